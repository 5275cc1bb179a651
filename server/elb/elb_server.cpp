#include "server/elb/elb_server.hpp"

namespace ecslocal::server::elb {

ElbServer::ElbServer(net::any_io_executor io, PostToState post_to_state)
    : plane_(io), prober_(io, std::move(post_to_state)) {}

ElbServer::~ElbServer() { plane_.close_all(); }

void ElbServer::attach(api::Ports& ports, api::elbv2::ElbProvider& provider) {
  ports.provide<api::HealthProber>(&prober_);
  provider_ = &provider;
  provider.set_data_plane(&plane_);
  provider.settings().open_listeners = true;
  provider.reopen_listeners();
}

void ElbServer::detach(api::Ports& ports) {
  ports.withdraw<api::HealthProber>(&prober_);
  if (provider_) {
    provider_->close_listeners();
    provider_->settings().open_listeners = false;
    provider_->set_data_plane(nullptr);
  }
  plane_.close_all();
}

}  // namespace ecslocal::server::elb
