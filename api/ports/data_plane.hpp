#pragma once
// How a service asks for sockets of its own at run time (ELBv2 listeners, the task metadata
// endpoint, an API listener on a VPC bridge gateway that tasks reach), as ECS drives the task
// runtime. Implemented by the server's listener set (server/listener_set); api sees only this.
//
// Threading: every call is made on the state strand. open() binds at once (bind and listen do
// not block), so the caller learns right away that a port is taken; serving runs on the I/O
// threads. Handlers never read api state: what they need (routes, targets) the state strand
// publishes as an immutable DataPlaneConfig, which handlers pick up on their next request.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace ecslocal::api {

// What a listener's handler reads. Each kind of listener defines its own derived type
// (e.g. a load balancer's routing table) and the server-side handler of that kind casts back.
struct DataPlaneConfig {
  virtual ~DataPlaneConfig() = default;
};

struct ListenerRequest {
  std::string id;        // unique among open listeners; the caller's key (e.g. a listener ARN)
  std::string address;   // an IPv4 address to bind, e.g. "127.0.0.1" or a VPC bridge gateway
  std::uint16_t port = 0;  // 0: any free port (the result says which)
  // Which server-side handler serves the connections: "api" (the AWS API, as on the main port),
  // and the kinds later services register ("http-proxy", "tcp-proxy", "task-metadata", ...).
  std::string kind;
  std::shared_ptr<const DataPlaneConfig> config;  // first configuration; may be null
};

struct ListenerResult {
  bool ok = false;
  std::uint16_t port = 0;  // the bound port when ok
  std::string error;       // when not ok: why, for a message to the client
                           // ("address 127.0.0.1:8080 is already in use")
};

// What a load balancer listener's handler counted since the last take_traffic() (the ELBv2
// provider rolls it up per minute into AWS/ApplicationELB and AWS/NetworkELB metrics).
struct TargetGroupTraffic {
  std::uint64_t requests = 0;          // requests (HTTP) or new flows (TCP) sent to a target of the group
  std::uint64_t target_codes[6] = {};  // target responses by status class: [2] 2xx ... [5] 5xx
  std::uint64_t responses = 0;         // responses timed (TargetResponseTime)
  double response_seconds_sum = 0, response_seconds_min = 0, response_seconds_max = 0;
  std::uint64_t connection_errors = 0;  // connects to a target that failed (TargetConnectionErrorCount)
};

struct ListenerTraffic {
  std::uint64_t requests = 0;              // every request the listener processed
  std::map<int, std::uint64_t> elb_codes;  // responses the load balancer made itself, by status (400, 502...)
  std::uint64_t fixed_responses = 0, redirects = 0;
  std::uint64_t new_connections = 0;                 // client connections (TCP: flows) accepted
  std::map<std::string, TargetGroupTraffic> groups;  // by target group ARN
};

class DataPlane {
 public:
  virtual ~DataPlane() = default;
  // Binds and starts serving. An id already open is refused (ok = false).
  virtual ListenerResult open(const ListenerRequest& request) = 0;
  // Stops accepting, frees the address; connections in flight may finish. Unknown ids: no-op.
  virtual void close(const std::string& id) = 0;
  // Replaces the configuration the listener's handler reads. Unknown ids: no-op.
  virtual void publish(const std::string& id, std::shared_ptr<const DataPlaneConfig> config) = 0;
  // The traffic counted by each open listener (by id) since the last call, which resets the counts.
  // Listeners that count nothing are left out.
  virtual std::map<std::string, ListenerTraffic> take_traffic() { return {}; }
};

}  // namespace ecslocal::api
