#pragma once
// Elastic Load Balancing v2 state of one account in one region: load balancers, target groups
// with their targets, listeners and rules, tags. Plain data owned by the state strand.
//
// Actions, rule conditions and certificates are kept as the wire documents the client sent
// (already checked against the model and by the ops), and echoed back as AWS does.
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/common/account_region_store.hpp"

namespace ecslocal::api::elbv2 {

using Json = nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;
using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order added
using Attributes = std::map<std::string, std::string>;

struct Zone {
  std::string zone_name, subnet_id;
};

struct LoadBalancer {
  std::string arn, name, id;      // id: the 16 hex digits of the ARN
  std::string type = "application";  // application | network
  std::string scheme = "internet-facing";
  std::string ip_address_type = "ipv4";
  std::string vpc_id;
  std::string dns_name;
  std::string address;  // the load balancer's own IPv4 its listeners bind (a loopback VIP)
  std::string canonical_hosted_zone_id;
  std::vector<Zone> zones;
  std::vector<std::string> security_groups;
  TimePoint created{}, active_at{};  // provisioning until active_at (virtual clock)
  std::string failure;               // a listener could not bind: active_impaired, with why
  Attributes attributes;

  bool application() const { return type == "application"; }
  // "app/<name>/<id>" or "net/<name>/<id>": the metric dimension and the ARN's tail.
  std::string dimension() const { return (application() ? "app/" : "net/") + name + "/" + id; }
};

struct HealthCheck {
  bool enabled = true;
  std::string protocol = "HTTP";
  std::string port = "traffic-port";
  std::string path = "/";  // HTTP/HTTPS only
  int interval = 30, timeout = 5, healthy_threshold = 5, unhealthy_threshold = 2;
  std::string matcher_http;  // "200", "200,202", "200-299"; empty for TCP
  std::string matcher_grpc;
};

enum class TargetHealthState { Initial, Healthy, Unhealthy };

struct Target {
  std::string id;  // an IPv4 address (ip targets) or an instance id
  int port = 0;
  std::string availability_zone;  // as given (may be empty)
  TargetHealthState health = TargetHealthState::Initial;
  std::string reason, description;  // of the last failed check (unhealthy)
  int passes = 0, failures = 0;     // consecutive
  TimePoint registered_at{};
  std::optional<TimePoint> draining_until;  // deregistered: draining until then
  // Runtime only (not in snapshots): the armed probe timer and whether a probe is out.
  std::uint64_t timer = 0;
  bool probing = false;
  std::uint64_t generation = 0;  // bumps on re-registration: stale probe answers are dropped

  std::string key() const { return id + ":" + std::to_string(port); }
};

struct TargetGroup {
  std::string arn, name, id;
  std::string target_type = "instance";
  std::string protocol;  // empty for lambda
  std::string protocol_version;
  int port = 0;
  std::string vpc_id;
  std::string ip_address_type = "ipv4";
  HealthCheck health_check;
  Attributes attributes;
  TimePoint created{};
  std::map<std::string, Target> targets;  // by Target::key()

  std::string dimension() const { return "targetgroup/" + name + "/" + id; }
  int deregistration_delay() const;
};

struct Listener {
  std::string arn, id, load_balancer_arn;
  int port = 0;
  std::string protocol;
  Json default_actions = Json::array();
  Json certificates = Json::array();
  std::string ssl_policy, alpn_policy;
  std::string default_rule_arn;
  bool open = false;  // its socket is open on the data plane (runtime only)
};

struct Rule {
  std::string arn, listener_arn;
  int priority = 0;
  Json conditions = Json::array();
  Json actions = Json::array();
};

struct ElbState {
  std::map<std::string, LoadBalancer> load_balancers;  // by ARN
  std::map<std::string, TargetGroup> target_groups;
  std::map<std::string, Listener> listeners;
  std::map<std::string, Rule> rules;  // user rules (default rules are the listeners')
  std::map<std::string, Tags> tags;   // by resource ARN

  LoadBalancer* find_load_balancer_by_name(const std::string& name);
  TargetGroup* find_target_group_by_name(const std::string& name);
  TargetGroup* find_target_group(const std::string& arn);
  const TargetGroup* find_target_group(const std::string& arn) const;
  // The target groups an action list forwards to.
  static std::vector<std::string> forwarded_groups(const Json& actions);
  // The load balancers whose listeners or rules forward to the group, in ARN order.
  std::vector<std::string> load_balancers_of(const std::string& target_group_arn) const;
  bool in_use(const std::string& target_group_arn) const { return !load_balancers_of(target_group_arn).empty(); }
  std::vector<const Listener*> listeners_of(const std::string& load_balancer_arn) const;
  std::vector<const Rule*> rules_of(const std::string& listener_arn) const;  // by priority
};

using ElbStore = AccountRegionStore<ElbState>;

}  // namespace ecslocal::api::elbv2
