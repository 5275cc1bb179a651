#include "api/ecs/task_definition_model.hpp"

#include <algorithm>
#include <charconv>

#include "api/ecs/arn.hpp"

namespace ecslocal::api::ecs {
namespace {

std::optional<long long> parse_revision(const std::string& text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 1) return std::nullopt;
  return value;
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

const std::string kDockerApi = "com.amazonaws.ecs.capability.docker-remote-api.";

bool is_ecr_image(const std::string& image) {
  return image.find(".dkr.ecr.") != std::string::npos && image.find(".amazonaws.com") != std::string::npos;
}

// Attributes one container needs. Based on what ECS reports for registered definitions: awslogs
// needs the driver and Docker API 1.19, awslogs-create-group 1.29, health checks 1.24 (1.29 with
// a start period), `user` 1.17, labels and ulimits 1.18.
void add_container_attributes(const TaskDefinition& td, const ContainerDefinition& c, std::vector<std::string>& out) {
  if (c.log_configuration) {
    const auto& log = *c.log_configuration;
    add_unique(out, "com.amazonaws.ecs.capability.logging-driver." + log.log_driver);
    if (log.log_driver == "awslogs") {
      add_unique(out, kDockerApi + "1.19");
      if (!td.execution_role_arn.empty()) add_unique(out, "ecs.capability.execution-role-awslogs");
      if (log.options.count("awslogs-create-group")) add_unique(out, kDockerApi + "1.29");
      if (log.options.count("mode")) add_unique(out, kDockerApi + "1.28");
    }
    for (const auto& secret : log.secret_options) {
      const bool asm_secret = secret.value_from.rfind("arn:aws:secretsmanager:", 0) == 0;
      add_unique(out, asm_secret ? "ecs.capability.secrets.asm.bootstrap.log-driver"
                                 : "ecs.capability.secrets.ssm.bootstrap.log-driver");
    }
  }
  if (c.health_check) {
    add_unique(out, "ecs.capability.container-health-check");
    add_unique(out, kDockerApi + (c.health_check->start_period_seconds ? "1.29" : "1.24"));
  }
  if (!c.user.empty()) add_unique(out, kDockerApi + "1.17");
  if (!c.docker_labels.empty() || !c.ulimits.empty()) add_unique(out, kDockerApi + "1.18");
  if (!c.depends_on.empty() || c.start_timeout_seconds || c.stop_timeout_seconds)
    add_unique(out, "ecs.capability.container-ordering");
  if (is_ecr_image(c.image)) {
    add_unique(out, "com.amazonaws.ecs.capability.ecr-auth");
    if (!td.execution_role_arn.empty()) add_unique(out, "ecs.capability.execution-role-ecr-pull");
  }
  if (c.has_repository_credentials) add_unique(out, "ecs.capability.private-registry-authentication.secretsmanager");
  for (const auto& secret : c.secrets) {
    const bool asm_secret = secret.value_from.rfind("arn:aws:secretsmanager:", 0) == 0;
    add_unique(out, asm_secret ? "ecs.capability.secrets.asm.environment-variables"
                               : "ecs.capability.secrets.ssm.environment-variables");
  }
  if (!c.environment_files.empty()) add_unique(out, "ecs.capability.env-files.s3");
  if (c.privileged) add_unique(out, "com.amazonaws.ecs.capability.privileged-container");
  if (!c.firelens_type.empty()) add_unique(out, "ecs.capability.firelens." + c.firelens_type);
}

void add_task_attributes(const TaskDefinition& td, std::vector<std::string>& out) {
  if (td.network_mode == "awsvpc") {
    add_unique(out, "ecs.capability.task-eni");
    add_unique(out, kDockerApi + "1.18");
  }
  if (!td.task_role_arn.empty()) {
    add_unique(out, "com.amazonaws.ecs.capability.task-iam-role");
    if (td.network_mode == "host") add_unique(out, "com.amazonaws.ecs.capability.task-iam-role-network-host");
  }
  if (!td.pid_mode.empty() || !td.ipc_mode.empty()) add_unique(out, "ecs.capability.pid-ipc-namespace-sharing");
  if (!td.proxy_container_name.empty()) add_unique(out, "ecs.capability.aws-appmesh");
  for (const auto& volume : td.volumes) {
    if (volume.efs) add_unique(out, "ecs.capability.efs");
    if (volume.docker_volume)
      add_unique(out, "ecs.capability.docker-plugin." + (volume.docker_volume_driver.empty() ? std::string("local")
                                                                                            : volume.docker_volume_driver));
  }
}

}  // namespace

bool TaskDefinition::requires_compatibility(const std::string& compatibility) const {
  return std::find(requires_compatibilities.begin(), requires_compatibilities.end(), compatibility) !=
         requires_compatibilities.end();
}

const ContainerDefinition* TaskDefinition::find_container(const std::string& name) const {
  for (const auto& c : containers)
    if (c.name == name) return &c;
  return nullptr;
}

const Volume* TaskDefinition::find_volume(const std::string& name) const {
  for (const auto& v : volumes)
    if (v.name == name) return &v;
  return nullptr;
}

std::optional<TaskDefinitionRef> parse_task_definition_ref(const std::string& text) {
  std::string body = text;
  if (text.rfind("arn:", 0) == 0) {
    auto arn = parse_arn(text);
    if (!arn || arn->service != "ecs" || arn->type() != "task-definition" || arn->resource.find('/') == std::string::npos)
      return std::nullopt;
    body = arn->resource.substr(arn->resource.find('/') + 1);
  }
  const auto colon = body.rfind(':');
  if (colon == std::string::npos) return body.empty() ? std::nullopt : std::optional(TaskDefinitionRef{body, {}});
  auto revision = parse_revision(body.substr(colon + 1));
  if (!revision || colon == 0) return std::nullopt;
  return TaskDefinitionRef{body.substr(0, colon), revision};
}

long long TaskDefinitionRegistry::next_revision(const std::string& family) const {
  auto it = families_.find(family);
  return it == families_.end() ? 1 : it->second.last_revision + 1;
}

const TaskDefinition& TaskDefinitionRegistry::add(TaskDefinition definition) {
  Family& family = families_[definition.family];
  family.last_revision = std::max(family.last_revision, definition.revision);
  const long long revision = definition.revision;
  return family.revisions.insert_or_assign(revision, std::move(definition)).first->second;
}

void TaskDefinitionRegistry::restore_last_revision(const std::string& family, long long last_revision) {
  Family& f = families_[family];
  f.last_revision = std::max(f.last_revision, last_revision);
}

const TaskDefinition* TaskDefinitionRegistry::find(const std::string& family, long long revision) const {
  auto f = families_.find(family);
  if (f == families_.end()) return nullptr;
  auto r = f->second.revisions.find(revision);
  return r == f->second.revisions.end() ? nullptr : &r->second;
}

TaskDefinition* TaskDefinitionRegistry::find_mutable(const std::string& family, long long revision) {
  return const_cast<TaskDefinition*>(static_cast<const TaskDefinitionRegistry*>(this)->find(family, revision));
}

const TaskDefinition* TaskDefinitionRegistry::find_by_arn(const std::string& arn) const {
  auto ref = parse_task_definition_ref(arn);
  if (!ref || !ref->revision || arn.rfind("arn:", 0) != 0) return nullptr;
  const TaskDefinition* found = find(ref->family, *ref->revision);
  return found && found->arn == arn ? found : nullptr;
}

const TaskDefinition* TaskDefinitionRegistry::latest_active(const std::string& family) const {
  auto f = families_.find(family);
  if (f == families_.end()) return nullptr;
  for (auto it = f->second.revisions.rbegin(); it != f->second.revisions.rend(); ++it)
    if (it->second.active()) return &it->second;
  return nullptr;
}

const TaskDefinition* TaskDefinitionRegistry::resolve(const std::string& reference) const {
  auto ref = parse_task_definition_ref(reference);
  if (!ref) return nullptr;
  const TaskDefinition* found = ref->revision ? find(ref->family, *ref->revision) : latest_active(ref->family);
  if (found && reference.rfind("arn:", 0) == 0) {
    // An ARN must name this account and region, not merely the same family and revision.
    const std::string marker = ":task-definition/";
    if (reference.substr(0, reference.find(marker)) != found->arn.substr(0, found->arn.find(marker))) return nullptr;
  }
  return found;
}

std::vector<const TaskDefinition*> TaskDefinitionRegistry::all() const {
  std::vector<const TaskDefinition*> out;
  for (const auto& [name, family] : families_)
    for (const auto& [revision, definition] : family.revisions) out.push_back(&definition);
  return out;
}

std::vector<std::pair<std::string, bool>> TaskDefinitionRegistry::families() const {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [name, family] : families_) {
    bool any_active = std::any_of(family.revisions.begin(), family.revisions.end(),
                                  [](const auto& entry) { return entry.second.active(); });
    out.emplace_back(name, any_active);
  }
  return out;
}

bool fargate_size_supported(int cpu, int memory) {
  auto stepped = [memory](int low, int high, int step) {
    return memory >= low && memory <= high && (memory - low) % step == 0;
  };
  switch (cpu) {
    case 256: return memory == 512 || memory == 1024 || memory == 2048;
    case 512: return stepped(1024, 4096, 1024);
    case 1024: return stepped(2048, 8192, 1024);
    case 2048: return stepped(4096, 16384, 1024);
    case 4096: return stepped(8192, 30720, 1024);
    case 8192: return stepped(16384, 61440, 4096);
    case 16384: return stepped(32768, 122880, 8192);
    default: return false;
  }
}

bool fargate_supports_features(const TaskDefinition& td) {
  if (td.pid_mode == "host" || !td.ipc_mode.empty() || td.has_placement_constraints || td.has_inference_accelerators)
    return false;
  for (const auto& volume : td.volumes)
    if (volume.host_source_path || volume.docker_volume || volume.fsx_windows) return false;
  for (const auto& c : td.containers)
    if (c.privileged || !c.links.empty() || !c.docker_security_options.empty()) return false;
  return true;
}

std::vector<std::string> derive_compatibilities(const TaskDefinition& td) {
  std::vector<std::string> out{"EC2"};
  const bool sized = td.cpu && td.memory && fargate_size_supported(*td.cpu, *td.memory);
  if (td.network_mode == "awsvpc" && sized && fargate_supports_features(td)) out.push_back("FARGATE");
  if (td.requires_compatibility("EXTERNAL")) out.push_back("EXTERNAL");
  return out;
}

std::vector<std::string> derive_required_attributes(const TaskDefinition& td) {
  std::vector<std::string> out;
  for (const auto& c : td.containers) add_container_attributes(td, c, out);
  add_task_attributes(td, out);
  return out;
}

}  // namespace ecslocal::api::ecs
