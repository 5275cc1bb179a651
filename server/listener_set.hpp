#pragma once
// The listeners services open at run time (api::DataPlane): ELBv2 listeners, the task metadata
// endpoint, an API listener on a VPC bridge gateway. Owned by App; provided to the services
// through the Ports registry. Each listener serves one kind of handler, registered by name
// before start-up ("api" serves the AWS API as the main port does).
//
// Threading: open/close/publish/close_all run on the state strand (as DataPlane requires), and
// so do the acceptors of these listeners, so close() frees the address before it returns. A
// handler reads its listener's configuration through its ConfigSlot, from any I/O thread.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/ports/data_plane.hpp"
#include "server/http_handler.hpp"
#include "server/http_session.hpp"
#include "server/listener.hpp"

namespace ecslocal::server {

// The latest configuration published for one listener.
class ConfigSlot {
 public:
  std::shared_ptr<const api::DataPlaneConfig> get() const {
    std::lock_guard lock(mutex_);
    return config_;
  }
  void set(std::shared_ptr<const api::DataPlaneConfig> config) {
    std::lock_guard lock(mutex_);
    config_ = std::move(config);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const api::DataPlaneConfig> config_;
};

struct ListenerContext {
  std::string id;
  std::string address;
  uint16_t port = 0;
  std::shared_ptr<const ConfigSlot> config;
};

// Builds the handler of one listener of a kind.
using HandlerFactory = std::function<std::shared_ptr<HttpHandler>(const ListenerContext& context)>;

class ListenerSet : public api::DataPlane {
 public:
  ListenerSet(net::io_context& ioc, StateStrand& state, SessionLimits limits,
              std::shared_ptr<SessionRegistry> sessions = nullptr);
  ~ListenerSet() override;

  // Before any open(); a kind registered twice keeps the last factory.
  void register_kind(const std::string& kind, HandlerFactory factory);

  api::ListenerResult open(const api::ListenerRequest& request) override;
  void close(const std::string& id) override;
  void publish(const std::string& id, std::shared_ptr<const api::DataPlaneConfig> config) override;

  // Closes every listener (reset, shutdown). State strand.
  void close_all();
  size_t size() const { return open_.size(); }

 private:
  struct Open {
    std::shared_ptr<Listener> listener;
    std::shared_ptr<ConfigSlot> config;
  };

  net::io_context& ioc_;
  StateStrand& state_;
  SessionLimits limits_;
  std::shared_ptr<SessionRegistry> sessions_;
  std::map<std::string, HandlerFactory> kinds_;
  std::map<std::string, Open> open_;
};

}  // namespace ecslocal::server
