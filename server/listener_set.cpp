#include "server/listener_set.hpp"

#include <spdlog/spdlog.h>

namespace ecslocal::server {
namespace {

api::ListenerResult refused(std::string why) {
  api::ListenerResult r;
  r.error = std::move(why);
  return r;
}

std::string bind_error(const boost::system::error_code& ec, const std::string& address, uint16_t port) {
  const std::string where = address + ":" + std::to_string(port);
  if (ec == net::error::address_in_use) return "address " + where + " is already in use";
  if (ec == net::error::access_denied) return "permission denied to listen on " + where;
  if (ec == boost::system::errc::address_not_available)
    return "address " + address + " is not an address of this host";
  return "cannot listen on " + where + ": " + ec.message();
}

}  // namespace

ListenerSet::ListenerSet(net::io_context& ioc, StateStrand& state, SessionLimits limits,
                         std::shared_ptr<SessionRegistry> sessions)
    : ioc_(ioc), state_(state), limits_(limits), sessions_(std::move(sessions)) {}

ListenerSet::~ListenerSet() {
  for (auto& [id, entry] : open_) entry.listener->stop_now();
}

void ListenerSet::register_kind(const std::string& kind, HandlerFactory factory) { kinds_[kind] = std::move(factory); }

api::ListenerResult ListenerSet::open(const api::ListenerRequest& request) {
  if (request.id.empty()) return refused("a listener needs an id");
  if (open_.count(request.id)) return refused("listener " + request.id + " is already open");
  auto kind = kinds_.find(request.kind);
  if (kind == kinds_.end()) return refused("no listener kind named \"" + request.kind + "\"");
  boost::system::error_code ec;
  const auto address = net::ip::make_address_v4(request.address, ec);
  if (ec) return refused("\"" + request.address + "\" is not an IPv4 address");

  auto slot = std::make_shared<ConfigSlot>();
  slot->set(request.config);
  ListenerContext context{request.id, request.address, request.port, slot};
  auto handler = kind->second(context);
  if (!handler) return refused("listener kind \"" + request.kind + "\" made no handler");
  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(ioc_, tcp::endpoint{address, request.port}, http_sessions(handler, limits_, sessions_),
                                          net::any_io_executor(state_));
  } catch (const boost::system::system_error& e) {
    return refused(bind_error(e.code(), request.address, request.port));
  }
  listener->run();
  api::ListenerResult result;
  result.ok = true;
  result.port = listener->port();
  spdlog::info("data plane: {} listener {} on {}:{}", request.kind, request.id, request.address, result.port);
  open_[request.id] = Open{std::move(listener), std::move(slot)};
  return result;
}

void ListenerSet::close(const std::string& id) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  it->second.listener->stop_now();  // on the state strand, the acceptor's executor: freed now
  spdlog::info("data plane: listener {} closed", id);
  open_.erase(it);
}

void ListenerSet::publish(const std::string& id, std::shared_ptr<const api::DataPlaneConfig> config) {
  if (auto it = open_.find(id); it != open_.end()) it->second.config->set(std::move(config));
}

void ListenerSet::close_all() {
  for (auto& [id, entry] : open_) entry.listener->stop_now();
  if (!open_.empty()) spdlog::info("data plane: {} listeners closed", open_.size());
  open_.clear();
}

}  // namespace ecslocal::server
