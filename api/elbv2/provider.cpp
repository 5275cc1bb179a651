#include "api/elbv2/provider.hpp"

#include <cstdio>

#include "api/elbv2/errors.hpp"
#include "api/elbv2/mapping.hpp"
#include "api/elbv2/routing.hpp"
#include "api/elbv2/snapshot.hpp"
#include "api/ports/data_plane.hpp"
#include "api/ports/timers.hpp"

namespace ecslocal::api::elbv2 {
namespace {

// Load balancer addresses: 127.255.0.1 – 127.255.255.254 (loopback: bound without any setup).
constexpr std::uint32_t kAddressBase = 0x7FFF0000;
constexpr std::uint32_t kAddressCount = 65534;

std::string ipv4_text(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}

std::optional<std::uint32_t> address_index(const std::string& text) {
  unsigned a, b, c, d;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4) return std::nullopt;
  const std::uint32_t ip = (a << 24) | (b << 16) | (c << 8) | d;
  if (ip <= kAddressBase || ip > kAddressBase + kAddressCount) return std::nullopt;
  return ip - kAddressBase - 1;
}

}  // namespace

ElbProvider::ElbProvider(std::shared_ptr<IdSource> ids, std::shared_ptr<vpc::VpcRegistry> networks, ElbSettings settings)
    : ids_(std::move(ids)),
      networks_(networks ? std::move(networks) : std::make_shared<vpc::VpcRegistry>(ids_)),
      settings_(std::move(settings)),
      clock_([] { return Clock::now(); }) {
  next_address_ = settings_.address_spread % kAddressCount;
  register_load_balancer_operations(*this, table_);
  register_target_group_operations(*this, table_);
  register_listener_operations(*this, table_);
  register_rule_operations(*this, table_);
  register_tag_operations(*this, table_);
}

const protocol::ServiceModel& ElbProvider::model() const { return protocol::ServiceModel::get("elbv2"); }

void ElbProvider::provide(Ports& ports) {
  ports.provide<TargetGroupDirectory>(this);
  ports.provide<TaskObserver>(this);
}

void ElbProvider::connect(Ports& ports) { ports_ = &ports; }

Timers* ElbProvider::timers() const {
  if (timers_override_) return timers_override_;
  return ports_ ? ports_->find<Timers>() : nullptr;
}
HealthProber* ElbProvider::prober() const {
  if (prober_override_) return prober_override_;
  return ports_ ? ports_->find<HealthProber>() : nullptr;
}
DataPlane* ElbProvider::data_plane() const {
  if (data_plane_override_) return data_plane_override_;
  return ports_ ? ports_->find<DataPlane>() : nullptr;
}

void ElbProvider::tick(Clock::time_point now) {
  store_.for_each([&](const std::string&, const std::string&, ElbState& state) { prune_drained(state, now); });
  collect_metrics(now);
}

MetricSink* ElbProvider::metric_sink() const {
  if (metric_sink_override_) return metric_sink_override_;
  return ports_ ? ports_->find<MetricSink>() : nullptr;
}

void ElbProvider::collect_metrics(TimePoint now) {
  DataPlane* plane = data_plane();
  auto traffic = plane ? plane->take_traffic() : std::map<std::string, ListenerTraffic>{};
  MetricSink* sink = metric_sink();
  if (!sink) {  // nobody to publish to: nothing is kept
    metrics_.clear();
    return;
  }
  metrics_.collect(store_, traffic, now, settings_.registration_step);
  metrics_.publish(*sink, now);
}

std::string ElbProvider::allocate_address() {
  for (std::uint32_t i = 0; i < kAddressCount; ++i) {
    const std::uint32_t index = (next_address_ + i) % kAddressCount;
    if (addresses_.insert(index).second) {
      next_address_ = (index + 1) % kAddressCount;
      return ipv4_text(kAddressBase + 1 + index);
    }
  }
  throw TooManyLoadBalancersException("ecslocal has no free load balancer address left");
}

void ElbProvider::release_address(const std::string& address) {
  if (auto index = address_index(address)) addresses_.erase(*index);
}

void ElbProvider::rebuild_addresses() {
  addresses_.clear();
  store_.for_each([&](const std::string&, const std::string&, const ElbState& state) {
    for (const auto& [arn, lb] : state.load_balancers)
      if (auto index = address_index(lb.address)) addresses_.insert(*index);
  });
}

// ---- the data plane ----

std::string ElbProvider::open_listener(const ElbState& state, Listener& listener) {
  DataPlane* plane = settings_.open_listeners ? data_plane() : nullptr;
  if (!plane) return "";
  const LoadBalancer& lb = state.load_balancers.at(listener.load_balancer_arn);
  ListenerRequest request;
  request.id = listener.arn;
  request.address = lb.address;
  request.port = static_cast<std::uint16_t>(listener.port);
  request.kind = lb.application() ? "http-proxy" : "tcp-proxy";
  request.config = routing_config(state, listener, clock_(), settings_.registration_step);
  const ListenerResult result = plane->open(request);
  if (!result.ok) return result.error.empty() ? "the address is not available" : result.error;
  listener.open = true;
  return "";
}

void ElbProvider::close_listener(Listener& listener) {
  if (!listener.open) return;
  if (DataPlane* plane = data_plane()) plane->close(listener.arn);
  listener.open = false;
}

void ElbProvider::publish_routes(const ElbState& state, const std::string& load_balancer_arn) {
  DataPlane* plane = data_plane();
  if (!plane) return;
  for (const Listener* l : state.listeners_of(load_balancer_arn))
    if (l->open) plane->publish(l->arn, routing_config(state, *l, clock_(), settings_.registration_step));
}

// ---- lifecycle ----

void ElbProvider::on_reset() {
  store_.for_each([&](const std::string&, const std::string&, ElbState& state) {
    for (auto& [arn, g] : state.target_groups) drop_target_timers(g);
    for (auto& [arn, l] : state.listeners) close_listener(l);
  });
  store_.clear();
  addresses_.clear();
  metrics_.clear();
}

Json ElbProvider::snapshot() const { return snapshot_elbv2(store_); }

void ElbProvider::restore(const Json& snapshot) {
  ElbStore fresh;
  restore_elbv2(fresh, snapshot);  // throws before anything changed
  on_reset();
  store_ = std::move(fresh);
  rebuild_addresses();
  store_.for_each([&](const std::string& account, const std::string& region, ElbState& state) {
    for (auto& [arn, g] : state.target_groups)
      for (auto& [key, t] : g.targets)
        if (t.draining_until) arm_drain_end(account, region, g.arn, t);
  });
  reopen_listeners();
}

void ElbProvider::close_listeners() {
  store_.for_each([&](const std::string&, const std::string&, ElbState& state) {
    for (auto& [arn, l] : state.listeners) close_listener(l);
  });
}

void ElbProvider::reopen_listeners() {
  const TimePoint now = clock_();
  store_.for_each([&](const std::string& account, const std::string& region, ElbState& state) {
    for (auto& [arn, l] : state.listeners) {
      if (l.open) continue;
      const std::string error = open_listener(state, l);
      if (!error.empty())
        state.load_balancers.at(l.load_balancer_arn).failure = "listener on port " + std::to_string(l.port) + ": " + error;
    }
    sync_probes(account, region, now);
  });
}

Json ElbProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  const TimePoint now = clock_();
  store_.for_each([&](const std::string& account, const std::string& region, const ElbState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json lbs = Json::array(), groups = Json::array(), listeners = Json::array(), rules = Json::array();
    for (const auto& [arn, lb] : state.load_balancers) lbs.push_back(load_balancer_json(lb, now));
    for (const auto& [arn, g] : state.target_groups) {
      Json j = target_group_json(state, g);
      Json targets = Json::array();
      for (const auto& [key, t] : g.targets)
        targets.push_back(target_health_json(g, t.id, t.port, t.availability_zone,
                                             health_view(state, g, t, now, settings_.registration_step)));
      j["Targets"] = std::move(targets);
      groups.push_back(std::move(j));
    }
    for (const auto& [arn, l] : state.listeners) {
      listeners.push_back(listener_json(l));
      rules.push_back(default_rule_json(l));
    }
    for (const auto& [arn, r] : state.rules) rules.push_back(rule_json(r));
    out.push_back({{"account", account},
                   {"region", region},
                   {"LoadBalancers", std::move(lbs)},
                   {"TargetGroups", std::move(groups)},
                   {"Listeners", std::move(listeners)},
                   {"Rules", std::move(rules)}});
  });
  return out;
}

// ---- TargetGroupDirectory ----

std::optional<TargetGroupInfo> ElbProvider::find_target_group(const std::string& account_id, const std::string& region,
                                                              const std::string& arn) const {
  const ElbState* state = store_.find(account_id, region);
  const TargetGroup* g = state ? state->find_target_group(arn) : nullptr;
  if (!g) return std::nullopt;
  TargetGroupInfo info;
  info.arn = g->arn;
  info.name = g->name;
  info.target_type = g->target_type;
  info.protocol = g->protocol;
  info.port = g->port;
  info.vpc_id = g->vpc_id;
  info.load_balancer_arns = state->load_balancers_of(g->arn);
  info.has_load_balancer = !info.load_balancer_arns.empty();
  info.deregistration_delay = std::chrono::seconds(g->deregistration_delay());
  return info;
}

std::optional<TargetHealthInfo> ElbProvider::target_health(const std::string& account_id, const std::string& region,
                                                           const std::string& target_group_arn, const std::string& ip,
                                                           int port) const {
  const ElbState* state = store_.find(account_id, region);
  const TargetGroup* g = state ? state->find_target_group(target_group_arn) : nullptr;
  if (!g) return std::nullopt;
  auto it = g->targets.find(ip + ":" + std::to_string(port));
  if (it == g->targets.end())
    return TargetHealthInfo{"unused", "Target.NotRegistered", "Target is not registered to the target group"};
  const HealthView v = health_view(*state, *g, it->second, clock_(), settings_.registration_step);
  return TargetHealthInfo{v.state, v.reason, v.description};
}

}  // namespace ecslocal::api::elbv2
