#pragma once
// Snapshots of ECS (persistence): everything a later request can observe, per account and
// region. (The loopback "public" addresses are network state: the VPC snapshot has them.) The format is in
// api/common/snapshot_json.hpp; the service lifecycle (Service::snapshot / restore) calls
// snapshot_ecs / restore_ecs.
//
// One state: {"clusters": [...], "task_definitions": {"families": {family: {"last_revision",
// "revisions": [...]}}}, "tasks": {"next_sequence", "items": [...]}, "services": [...],
// "account_settings": {principal: {name: value}}, "tags": {arn: [{key, value}]}}. A task
// definition keeps its echoed document once; its typed view is rebuilt from it on restore.
#include <nlohmann/json.hpp>

#include "api/ecs/state.hpp"

namespace ecslocal::api::ecs {

// --- everything (what the provider's snapshot() / restore() call) ---

// {"format": 1, "service": "ecs", "states": [{"account", "region", "state"}]}.
Json snapshot_ecs(const EcsStore& store);
// Replaces every state, or throws std::runtime_error (what was wrong, where) and changes nothing.
void restore_ecs(EcsStore& store, const Json& snapshot);

// --- one account in one region ---

Json snapshot_state(const EcsState& state);
// Replaces `state` by the snapshot's; throws std::runtime_error and leaves `state` as it was.
void restore_state(EcsState& state, const Json& snapshot);

// --- one entity (the pieces of a state; each throws std::runtime_error or nlohmann's errors) ---

Json snapshot_cluster(const Cluster& cluster);
Cluster restore_cluster(const Json& snapshot);

Json snapshot_task_definitions(const TaskDefinitionRegistry& registry);
void restore_task_definitions(TaskDefinitionRegistry& registry, const Json& snapshot);  // into an empty one
Json snapshot_task_definition(const TaskDefinition& definition);
TaskDefinition restore_task_definition(const Json& snapshot);

Json snapshot_tasks(const TaskRegistry& registry);
void restore_tasks(TaskRegistry& registry, const Json& snapshot);
Json snapshot_task(const Task& task);
Task restore_task(const Json& snapshot);

Json snapshot_service(const EcsService& service);
EcsService restore_service(const Json& snapshot);

Json snapshot_account_settings(const AccountSettings& settings);
void restore_account_settings(AccountSettings& settings, const Json& snapshot);  // into an empty one
Json snapshot_tags(const TagStore& tags);
void restore_tags(TagStore& tags, const Json& snapshot);  // into an empty one

}  // namespace ecslocal::api::ecs
