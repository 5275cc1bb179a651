#pragma once
// ELBv2's target groups as other services see them, and how ELBv2 probes its targets.
//
// TargetGroupDirectory: ECS validates a service's `loadBalancers` against it (CreateService,
// UpdateService) and reads a target's health (task replacement, deployments) and the
// deregistration delay (how long a task stays DEACTIVATING). ELBv2 implements it.
//
// HealthProber: the one health check of a target (HTTP GET or TCP connect), done by the server
// (sockets stay out of api/). ELBv2 asks; the prober answers through `done`, ON THE STATE STRAND,
// exactly once (also when it gives up). Called on the state strand.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ecslocal::api {

struct TargetGroupInfo {
  std::string arn, name;
  std::string target_type;  // instance | ip | lambda | alb
  std::string protocol;     // HTTP, HTTPS, TCP, ... (empty for lambda)
  int port = 0;
  std::string vpc_id;
  bool has_load_balancer = false;  // a listener or rule of some load balancer forwards to it
  std::vector<std::string> load_balancer_arns;  // those load balancers
  std::chrono::seconds deregistration_delay{300};
};

struct TargetHealthInfo {
  std::string state;        // initial | healthy | unhealthy | unused | draining | unavailable
  std::string reason;       // Elb.InitialHealthChecking, Target.ResponseCodeMismatch, ... (may be empty)
  std::string description;  // "Health checks failed with these codes: [404]" (may be empty)
};

class TargetGroupDirectory {
 public:
  virtual ~TargetGroupDirectory() = default;
  virtual std::optional<TargetGroupInfo> find_target_group(const std::string& account_id, const std::string& region,
                                                           const std::string& arn) const = 0;
  // The health of target ip:port in the group as DescribeTargetHealth would report it; nullopt
  // when the group does not exist.
  virtual std::optional<TargetHealthInfo> target_health(const std::string& account_id, const std::string& region,
                                                        const std::string& target_group_arn, const std::string& ip,
                                                        int port) const = 0;
};

struct HealthProbe {
  std::string account_id, region, target_group_arn;  // who asks (for logs)
  std::string address;  // target IPv4
  int port = 0;
  std::string protocol = "HTTP";  // HTTP | HTTPS | TCP
  std::string path = "/";         // HTTP(S): the request target
  std::chrono::milliseconds timeout{5000};  // real time, not scaled by the virtual clock
};

struct ProbeOutcome {
  enum class Kind {
    Response,  // an HTTP response arrived (status_code), or for TCP the connection was accepted
    Timeout,   // nothing within the timeout
    Failed,    // refused, reset, malformed response
  };
  Kind kind = Kind::Failed;
  int status_code = 0;
  std::string detail;  // for logs
};

class HealthProber {
 public:
  virtual ~HealthProber() = default;
  virtual void probe(const HealthProbe& probe, std::function<void(const ProbeOutcome&)> done) = 0;
};

}  // namespace ecslocal::api
