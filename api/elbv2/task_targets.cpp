// ECS tasks as targets (spec §5.2): a task a service with loadBalancers started is registered in
// each of the service's ip target groups (task IP + containerPort) once it runs, and starts
// draining when it is on its way out. ECS reads the targets' health back through the
// TargetGroupDirectory port.
#include "api/elbv2/provider.hpp"

namespace ecslocal::api::elbv2 {

void ElbProvider::on_task(TaskChange change, const TaskInfo& task) {
  if (task.load_balancers.empty() || task.private_ipv4.empty()) return;
  if (change == TaskChange::HealthChanged) return;
  ElbState* state = store_.find(task.account_id, task.region);
  if (!state) return;
  const TimePoint now = clock_();
  std::set<std::string> changed;  // load balancers whose routes changed
  for (const auto& lb : task.load_balancers) {
    TargetGroup* g = state->find_target_group(lb.target_group_arn);
    if (!g || g->target_type != "ip" || lb.container_port <= 0) continue;
    if (change == TaskChange::Running) {
      if (!add_target(*g, task.private_ipv4, lb.container_port, task.availability_zone, now)) continue;
    } else {
      auto it = g->targets.find(task.private_ipv4 + ":" + std::to_string(lb.container_port));
      if (it == g->targets.end() || it->second.draining_until) continue;
      start_draining(task.account_id, task.region, *g, it->second, now);
    }
    for (const auto& l : state->load_balancers_of(g->arn)) changed.insert(l);
  }
  if (change == TaskChange::Running) sync_probes(task.account_id, task.region, now);
  prune_drained(*state, now);
  for (const auto& l : changed) publish_routes(*state, l);
}

}  // namespace ecslocal::api::elbv2
