// Task definition operations: RegisterTaskDefinition, DescribeTaskDefinition,
// DeregisterTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies.
#include <algorithm>

#include "api/ecs/errors.hpp"
#include "api/common/pagination.hpp"
#include "api/ecs/arn.hpp"
#include "api/ecs/provider.hpp"
#include "api/ecs/task_definition_mapping.hpp"
#include "api/ecs/task_definition_validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr long long kDefaultPageSize = 100;
constexpr long long kMaxPageSize = 100;

[[noreturn]] void unable_to_describe() { throw ClientException("Unable to describe task definition."); }

Json register_task_definition(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = provider.state(ctx);
  TaskDefinition td = task_definition_from_request(input);
  validate_registration(td);
  std::vector<Tag> tags = tags_from_request(input);
  validate_new_tags(tags);
  td.revision = state.task_definitions.next_revision(td.family);
  td.arn = task_definition_arn(ctx, td.family, td.revision);
  td.status = TaskDefinitionStatus::Active;
  td.registered_at = ctx.now;
  td.registered_by = "arn:aws:iam::" + ctx.account_id + ":root";
  td.compatibilities = derive_compatibilities(td);
  td.requires_attributes = derive_required_attributes(td);
  const TaskDefinition& stored = state.task_definitions.add(std::move(td));
  if (!tags.empty()) state.tags.set(stored.arn, tags);
  return register_output(stored, tags);
}

Json describe_task_definition(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = provider.state(ctx);
  const DescribeTaskDefinitionInput in = describe_input(input);
  const TaskDefinition* td = state.task_definitions.resolve(in.task_definition);
  if (!td) unable_to_describe();
  return describe_output(*td, in.include_tags ? &state.tags.get(td->arn) : nullptr);
}

Json deregister_task_definition(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = provider.state(ctx);
  const std::string reference = deregister_input(input);
  auto ref = parse_task_definition_ref(reference);
  if (ref && !ref->revision)
    throw ClientException("A revision must be specified (family:revision or the full ARN) to deregister a task definition.");
  TaskDefinition* td = ref ? state.task_definitions.find_mutable(ref->family, *ref->revision) : nullptr;
  if (!td || (reference.rfind("arn:", 0) == 0 && td->arn != reference))
    throw ClientException("The specified task definition does not exist.");
  if (td->active()) {
    td->status = TaskDefinitionStatus::Inactive;
    td->deregistered_at = ctx.now;
  }
  return deregister_output(*td);
}

Json list_task_definitions(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = provider.state(ctx);
  const ListTaskDefinitionsInput in = list_task_definitions_input(input);
  const bool want_active = in.status == "ACTIVE";
  std::vector<const TaskDefinition*> listed;
  for (const TaskDefinition* td : state.task_definitions.all()) {  // family, then revision, ascending
    if (td->active() != want_active) continue;
    if (!in.family.empty() && td->family != in.family) continue;
    listed.push_back(td);
  }
  if (in.descending) std::reverse(listed.begin(), listed.end());
  std::vector<std::string> keys;
  for (const TaskDefinition* td : listed) keys.push_back(revision_key(td->family, td->revision));
  Page page = paginate(keys, {in.next_token, in.max_results, kDefaultPageSize, kMaxPageSize,
                              InvalidParameterException::kCode, in.descending});
  std::vector<std::string> slice;
  for (size_t i = page.begin; i < page.end; ++i) slice.push_back(listed[i]->arn);
  return list_task_definitions_output(slice, page.next_token);
}

Json list_task_definition_families(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = provider.state(ctx);
  const ListFamiliesInput in = list_families_input(input);
  std::vector<std::string> families;
  for (const auto& [family, has_active] : state.task_definitions.families()) {
    if (family.rfind(in.family_prefix, 0) != 0) continue;
    if ((in.status == "ACTIVE" && !has_active) || (in.status == "INACTIVE" && has_active)) continue;
    families.push_back(family);
  }
  Page page = paginate(families, {in.next_token, in.max_results, kDefaultPageSize, kMaxPageSize,
                                  InvalidParameterException::kCode});
  std::vector<std::string> slice(families.begin() + page.begin, families.begin() + page.end);
  return list_families_output(slice, page.next_token);
}

// TagResource / UntagResource / ListTagsForResource on "task-definition/family:revision" (the tag
// operations have checked account and region); INACTIVE revisions keep their tags and can be tagged.
void resolve_task_definition_for_tags(EcsState& state, const RequestContext&, const Arn& arn, TagAccess) {
  const std::string text = "arn:" + arn.partition + ":" + arn.service + ":" + arn.region + ":" + arn.account + ":" +
                           arn.resource;
  if (!state.task_definitions.find_by_arn(text)) unable_to_describe();
}

}  // namespace

void register_task_definition_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "RegisterTaskDefinition", provider, register_task_definition);
  bind_operation(table, "DescribeTaskDefinition", provider, describe_task_definition);
  bind_operation(table, "DeregisterTaskDefinition", provider, deregister_task_definition);
  bind_operation(table, "ListTaskDefinitions", provider, list_task_definitions);
  bind_operation(table, "ListTaskDefinitionFamilies", provider, list_task_definition_families);
  provider.register_tag_resolver("task-definition", resolve_task_definition_for_tags);
}

}  // namespace ecslocal::api::ecs
