#pragma once
// Task definitions on the wire: the only place that spells their member names. Requests become
// typed values, entities become the model's TaskDefinition shape.
#include <optional>
#include <string>
#include <vector>

#include "api/ecs/tags.hpp"
#include "api/ecs/task_definition_model.hpp"

namespace ecslocal::api::ecs {

// RegisterTaskDefinition request → the typed definition with `document` set to what ECS echoes:
// every request member the model's TaskDefinition knows (unknown members and nulls dropped),
// task cpu/memory normalised ("1 vCPU" → "1024"), and ECS's defaults filled in (networkMode bridge,
// volumes/placementConstraints [], container cpu 0, essential true, environment/mountPoints/
// volumesFrom/portMappings [], port protocol tcp, hostPort = containerPort under awsvpc/host,
// healthCheck interval 30 / timeout 5 / retries 3). Throws ClientException for bad cpu/memory text.
// Identity (arn, revision, status, timestamps) and computed members are set by the caller.
TaskDefinition task_definition_from_request(const Json& request);
// The typed definition of a document task_definition_from_request made (kept as it is): what a
// snapshot restores from the stored document. Identity and computed members are the caller's.
TaskDefinition task_definition_from_document(Json document);
std::vector<Tag> tags_from_request(const Json& request);

// The TaskDefinition shape: the stored document plus identity, status and computed members.
Json task_definition_to_wire(const TaskDefinition& definition);
Json tags_to_wire(const std::vector<Tag>& tags);

struct DescribeTaskDefinitionInput {
  std::string task_definition;
  bool include_tags = false;
};
DescribeTaskDefinitionInput describe_input(const Json& request);

struct ListTaskDefinitionsInput {
  std::string family;              // familyPrefix: ECS matches the whole family name here
  std::string status = "ACTIVE";   // ACTIVE | INACTIVE
  bool descending = false;         // sort DESC
  std::optional<std::string> next_token;
  std::optional<long long> max_results;
};
ListTaskDefinitionsInput list_task_definitions_input(const Json& request);

struct ListFamiliesInput {
  std::string family_prefix;
  std::string status = "ALL";  // ACTIVE | INACTIVE | ALL
  std::optional<std::string> next_token;
  std::optional<long long> max_results;
};
ListFamiliesInput list_families_input(const Json& request);

std::string deregister_input(const Json& request);  // the taskDefinition member

Json register_output(const TaskDefinition& definition, const std::vector<Tag>& tags);
Json describe_output(const TaskDefinition& definition, const std::vector<Tag>* tags);
Json deregister_output(const TaskDefinition& definition);
Json list_task_definitions_output(const std::vector<std::string>& arns, const std::optional<std::string>& next_token);
Json list_families_output(const std::vector<std::string>& families, const std::optional<std::string>& next_token);

}  // namespace ecslocal::api::ecs
