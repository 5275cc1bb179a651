#pragma once
// What the app adds to serve ELBv2 for real: the data plane (listener sockets, the reverse proxy)
// and the health prober, attached to the ELBv2 provider. In the app:
//
//   elb_server = std::make_unique<elb::ElbServer>(ioc.get_executor(),
//                    [d = dispatcher.get()](std::function<void()> fn) { d->post_to_state(std::move(fn)); });
//   elb_server->attach(platform.ports, *elbv2_provider);   // on the state strand, before serving
//   ...
//   elb_server->detach(platform.ports);                     // at stop, before the io_context ends
#include <functional>

#include "api/elbv2/provider.hpp"
#include "server/elb/data_plane.hpp"
#include "server/elb/health_prober.hpp"

namespace ecslocal::server::elb {

class ElbServer {
 public:
  using PostToState = AsioHealthProber::PostToState;
  ElbServer(net::any_io_executor io, PostToState post_to_state);
  ~ElbServer();

  // Provides the HealthProber port and makes the provider open its listeners on the data plane
  // (re-opening those it already has, e.g. after a restore).
  void attach(api::Ports& ports, api::elbv2::ElbProvider& provider);
  // Withdraws the prober, closes every listener.
  void detach(api::Ports& ports);
  ElbDataPlane& data_plane() { return plane_; }

 private:
  ElbDataPlane plane_;
  AsioHealthProber prober_;
  api::elbv2::ElbProvider* provider_ = nullptr;
};

}  // namespace ecslocal::server::elb
