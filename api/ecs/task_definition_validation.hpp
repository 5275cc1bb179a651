#pragma once
// RegisterTaskDefinition rules, one function each. They throw AwsError with ECS's exception type
// (ClientException for task definition content; InvalidParameterException for the port-mapping
// checks ECS reports that way) and ECS's message where a real one is known; otherwise a message of
// ours in the same style.
#include <string>

#include "api/ecs/task_definition_model.hpp"

namespace ecslocal::api::ecs {

// "1024", "1 vCPU", "0.25 vcpu" → "1024" / "256"; "2048", "2 GB", "0.5GB" → "2048" / "512".
// Throws ClientException "Invalid 'cpu' setting for task." / "Invalid 'memory' setting for task.".
std::string normalize_task_cpu(const std::string& text);
std::string normalize_task_memory(const std::string& text);

// 1–255 letters, digits, '_' and '-' (families, container names).
bool is_valid_name(const std::string& name);

void validate_family(const std::string& family);
void validate_container_list(const TaskDefinition& td);
void validate_container_names(const TaskDefinition& td);
void validate_container_images(const TaskDefinition& td);
void validate_essential_container(const TaskDefinition& td);
void validate_task_cpu(const TaskDefinition& td);
void validate_fargate_requirements(const TaskDefinition& td);
void validate_fargate_features(const TaskDefinition& td);
void validate_container_memory(const TaskDefinition& td);
void validate_memory_against_task(const TaskDefinition& td);
void validate_cpu_against_task(const TaskDefinition& td);
void validate_network_mode_rules(const TaskDefinition& td);
void validate_port_mappings(const TaskDefinition& td);
void validate_port_mapping_names(const TaskDefinition& td);
void validate_dependencies(const TaskDefinition& td);
void validate_dependency_cycles(const TaskDefinition& td);
void validate_health_checks(const TaskDefinition& td);
void validate_log_configurations(const TaskDefinition& td);
void validate_stop_timeouts(const TaskDefinition& td);
void validate_volumes(const TaskDefinition& td);
void validate_ephemeral_storage(const TaskDefinition& td);
void validate_proxy_configuration(const TaskDefinition& td);

// Every rule above, in the order ECS reports them (the first failure wins).
void validate_registration(const TaskDefinition& td);

}  // namespace ecslocal::api::ecs
