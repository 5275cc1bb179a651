#pragma once
// The load balancers' data plane, self-contained: an api::DataPlane for the listener kinds
// "http-proxy" (ALB: HTTP/1.1 reverse proxy) and "tcp-proxy" (NLB: bytes both ways). Each open
// listener owns an acceptor on its load balancer's address; connections read the listener's
// routes (api/elbv2/routing.hpp), published by the state strand, without touching api state.
//
// HTTP (spec §4.3-4.4): rules by priority; fixed-response and redirect answered here; forward
// picks a target group by weight, then a target round robin among the published candidates
// (healthy, or all when none is: fail-open); 503 with AWS's page when there is none, 502 when the
// target refuses, resets or answers garbage, 504 when it does not connect within 10 s or answer
// within the idle timeout. Adds X-Forwarded-For/Proto/Port and X-Amzn-Trace-Id (a Self field
// when the client sent a Root). TRACE is 405; a header line over 16 KiB or headers over 64 KiB
// are 400; more than 30 addresses in X-Forwarded-For are 463. Websocket (any Upgrade) requests
// get a connection of their own to the target and, after its 101, bytes flow both ways.
// Keep-alive pools: each listener keeps idle upstream connections per target (at most
// kMaxIdlePerTarget, dropped on error, when idle longer than the idle timeout, or when the target
// leaves the published routes), so keep-alive clients do not cost a connect per request.
// Bodies: requests are read whole (up to 64 MiB); responses up to 1 MiB with a Content-Length
// are read whole, larger ones or of unknown length are relayed as they arrive (chunked to
// HTTP/1.1 clients when the target gave no length).
// Counts traffic per listener and target group for take_traffic() (metrics).
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/ports/data_plane.hpp"
#include "server/net.hpp"

namespace ecslocal::server::elb {

class ElbDataPlane final : public api::DataPlane {
 public:
  explicit ElbDataPlane(net::any_io_executor executor);
  ~ElbDataPlane() override;

  api::ListenerResult open(const api::ListenerRequest& request) override;
  void close(const std::string& id) override;
  void publish(const std::string& id, std::shared_ptr<const api::DataPlaneConfig> config) override;
  std::map<std::string, api::ListenerTraffic> take_traffic() override;
  void close_all();

  struct Entry;  // one open listener (data_plane.cpp)
  static constexpr std::size_t kMaxIdlePerTarget = 128;

 private:
  net::any_io_executor executor_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace ecslocal::server::elb
