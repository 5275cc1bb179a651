#pragma once
// An io_context on one thread with a state strand, for component tests of server pieces without
// the whole App. on_state() runs a function on the strand and waits for its result.
#include <future>
#include <optional>
#include <thread>
#include <type_traits>

#include "server/net.hpp"

namespace ecslocal::testing {

struct IoLoop {
  server::net::io_context ioc;
  server::StateStrand state{server::net::make_strand(ioc)};
  std::optional<server::net::executor_work_guard<server::net::io_context::executor_type>> work{ioc.get_executor()};
  std::thread thread{[this] { ioc.run(); }};

  ~IoLoop() {
    work.reset();
    ioc.stop();
    thread.join();
  }

  template <typename F>
  auto on_state(F f) {
    using R = std::invoke_result_t<F>;
    std::promise<R> done;
    server::net::post(state, [&] {
      if constexpr (std::is_void_v<R>) {
        f();
        done.set_value();
      } else {
        done.set_value(f());
      }
    });
    return done.get_future().get();
  }
};

}  // namespace ecslocal::testing
