#pragma once
// ELBv2's health checks for real (api::HealthProber): one probe is one connection from ecslocal
// to the target, closed afterwards (spec §4.2). HTTP/HTTPS-protocol checks send
// `GET <path> HTTP/1.1` with `User-Agent: ELB-HealthChecker/2.0` and read the status line;
// TCP checks only connect. HTTPS checks are sent as plain HTTP (ecslocal does not do TLS yet).
// The whole probe is bounded by its timeout. Runs on the I/O executor; the answer is handed to
// `post_to_state`, which must run it on the state strand (the Dispatcher's post_to_state).
#include <functional>

#include "api/ports/target_groups.hpp"
#include "server/net.hpp"

namespace ecslocal::server::elb {

class AsioHealthProber final : public api::HealthProber {
 public:
  using PostToState = std::function<void(std::function<void()>)>;
  AsioHealthProber(net::any_io_executor executor, PostToState post_to_state);

  void probe(const api::HealthProbe& probe, std::function<void(const api::ProbeOutcome&)> done) override;

 private:
  net::any_io_executor executor_;
  PostToState post_;
};

}  // namespace ecslocal::server::elb
