// RunTask, StopTask, DescribeTasks, ListTasks, and the task resolver of the tag operations.
// Entity: task_model; state machine: task_lifecycle; rules: task_validation; construction:
// task_factory; counters, runtime and retention: task_service; wire form: task_mapping.
#include <set>
#include <utility>

#include "api/ecs/errors.hpp"
#include "api/common/pagination.hpp"
#include "api/ecs/arn.hpp"
#include "api/ecs/provider.hpp"
#include "api/ecs/task_factory.hpp"
#include "api/ecs/task_mapping.hpp"
#include "api/ecs/task_service.hpp"
#include "api/ecs/task_validation.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr const char* kTaskNotFound = "The referenced task was not found.";
constexpr const char* kStoppedByUser = "Task stopped by user";
constexpr size_t kMaxDescribedTasks = 100;
constexpr long long kMaxListedTasks = 100;

// The ARN a `task` parameter (id or ARN) designates in `cluster`.
std::string designated_arn(const RequestContext& ctx, const Cluster& cluster, const std::string& id_or_arn) {
  return id_or_arn.rfind("arn:", 0) == 0 ? id_or_arn : task_arn(ctx, cluster.name, id_or_arn);
}

Task* find_task(EcsState& state, const RequestContext& ctx, const Cluster& cluster, const std::string& id_or_arn) {
  Task* task = state.tasks.find_by_arn(designated_arn(ctx, cluster, id_or_arn));
  return task && task->cluster_name == cluster.name ? task : nullptr;
}

EcsState& task_state(EcsProvider& provider, const RequestContext& ctx) {
  EcsState& state = provider.state(ctx);
  prune_stopped_tasks(provider, state, ctx.now);
  return state;
}

bool listed(const Task& task, const ListTasksInput& in) {
  if (in.desired_status == "PENDING") return false;  // ECS never sets it
  if ((in.desired_status == "STOPPED") != (task.desired_status == DesiredStatus::Stopped)) return false;
  if (in.container_instance) return false;  // Fargate tasks run on no container instance
  if (in.family && task.family != *in.family) return false;
  if (in.started_by && task.started_by != *in.started_by) return false;
  if (in.launch_type && task.launch_type != *in.launch_type) return false;
  if (in.service_name) {
    const std::string& name = *in.service_name;
    const std::string service = name.rfind("arn:", 0) == 0 ? name.substr(name.rfind('/') + 1) : name;
    if (task.group != "service:" + service) return false;  // ECS filters on the group services give their tasks
  }
  return true;
}

Json run_task(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = task_state(provider, ctx);
  RunTaskInput in = run_task_input(input);
  Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  const TaskDefinition& td = resolve_definition_for_run(state, in.task_definition);
  const int count = run_task_count(in);
  const std::vector<TaskPlacement> placements = place_tasks(cluster, in, td, count);
  validate_network_configuration(in, td);
  if (in.awsvpc) check_network_resources(provider.networks().at(ctx.account_id, ctx.region), *in.awsvpc);
  validate_and_complete_overrides(in, td);
  validate_run_task_options(in, td);
  const std::vector<Tag> tags = run_task_tags(state, in, td, cluster);
  auto [created, failures] = create_tasks(provider, state, ctx, cluster, td, in, placements, tags);
  Json tasks = Json::array();
  for (const Task* task : created) tasks.push_back(task_to_json(*task, &state.tags.get(task->arn), provider.eni_of(*task)));
  for (Task* task : created) launch_task(provider, state, *task, td, ctx.now);
  return tasks_response(std::move(tasks), failures);
}

Json stop_task(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = task_state(provider, ctx);
  const StopTaskInput in = stop_task_input(input);
  const Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  if (in.reason) validate_stop_reason(*in.reason);
  Task* task = in.task.empty() ? nullptr : find_task(state, ctx, cluster, in.task);
  if (!task) throw InvalidParameterException(kTaskNotFound);
  const std::string reason = in.reason && !in.reason->empty() ? *in.reason : kStoppedByUser;
  // A load-balanced service's task first drains (DEACTIVATING); any other stops at once.
  const EcsService* service = task->service_name.empty() ? nullptr : state.services.find(task->cluster_name, task->service_name);
  if (service)
    stop_service_task(provider, state, *service, *task, StopCode::UserInitiated, reason, ctx.now);
  else
    settle_task(provider, state, *task, request_stop(*task, StopCode::UserInitiated, reason, ctx.now));
  return stop_task_response(task_to_json(*task, &state.tags.get(task->arn), provider.eni_of(*task)));
}

Json describe_tasks(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = task_state(provider, ctx);
  const DescribeTasksInput in = describe_tasks_input(input);
  const Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  if (in.tasks.empty()) throw InvalidParameterException("Tasks cannot be empty.");
  if (in.tasks.size() > kMaxDescribedTasks) throw InvalidParameterException("At most 100 tasks can be described at once.");
  Json tasks = Json::array();
  std::vector<TaskFailure> failures;
  std::set<std::string> seen;
  for (const auto& item : in.tasks) {
    const Task* task = find_task(state, ctx, cluster, item);
    const std::string arn = task ? task->arn : designated_arn(ctx, cluster, item);
    if (!seen.insert(arn).second) continue;
    if (task)
      tasks.push_back(task_to_json(*task, in.include_tags ? &state.tags.get(task->arn) : nullptr, provider.eni_of(*task)));
    else
      failures.push_back({arn, "MISSING", ""});
  }
  return tasks_response(std::move(tasks), failures);
}

Json list_tasks(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  EcsState& state = task_state(provider, ctx);
  const ListTasksInput in = list_tasks_input(input);
  const Cluster& cluster = require_active_cluster(state, ctx, in.cluster);
  std::vector<std::string> arns, keys;  // in creation order
  for (const Task* task : std::as_const(state.tasks).all())
    if (task->cluster_name == cluster.name && listed(*task, in)) {
      arns.push_back(task->arn);
      keys.push_back(sequence_key(task->sequence));
    }
  const Page page =
      paginate(keys, {in.next_token, in.max_results, kMaxListedTasks, kMaxListedTasks, InvalidParameterException::kCode});
  return list_tasks_response({arns.begin() + page.begin, arns.begin() + page.end}, page.next_token);
}

// TagResource/UntagResource need a task that is not STOPPED; ListTagsForResource reads any task
// still describable.
void resolve_task_for_tags(EcsState& state, const RequestContext&, const Arn& arn, TagAccess access) {
  const std::string text = "arn:" + arn.partition + ":" + arn.service + ":" + arn.region + ":" + arn.account + ":" + arn.resource;
  const Task* task = state.tasks.find_by_arn(text);
  if (!task) throw InvalidParameterException(kTaskNotFound);
  if (task->stopped() && access == TagAccess::Write)
    throw InvalidParameterException("The specified task is stopped. Specify a running task and try again.");
}

}  // namespace

void register_task_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "RunTask", provider, run_task);
  bind_operation(table, "StopTask", provider, stop_task);
  bind_operation(table, "DescribeTasks", provider, describe_tasks);
  bind_operation(table, "ListTasks", provider, list_tasks);
  provider.register_tag_resolver("task", resolve_task_for_tags);
}

}  // namespace ecslocal::api::ecs
