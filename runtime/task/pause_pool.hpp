#pragma once
// Warm pause containers (`--pause-pool N`): after a task ran on a network, up to N pause
// containers wait running on it, modelled on that task's pause container (DNS, hostname and host
// entries with their own address in place of the task's), so the next launch on that network
// skips the pause container's create and start (the longest Docker call of a launch: it builds
// the network namespace). A taken container becomes the task's pause container; its address,
// not the planned one, is the task's (reported in NetworkReady, as when the planned address was
// held by another process).
//
// Warm containers carry ecslocal.managed, the instance label and ecslocal.role=pause-pool, and
// no task's labels; a start-up's cleanup removes them like any leftover. Their addresses are
// taken from the top of the subnet down, away from the planned ones (from the bottom up).
// Thread-safe; take() is quick (one inspect), fill() and drain() block on Docker (pool jobs).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/docker/docker_client.hpp"
#include "runtime/docker/docker_networks.hpp"

namespace ecslocal::runtime {

// The pause container moves from address `from` to `to`: its endpoint, and the hostname and host
// entries that name the address (dashed in names, dotted as the value of an entry).
void readdress_pause(ContainerCreateSpec& pause, const std::string& from, const std::string& to);

struct WarmPause {
  std::string id;
  std::string ipv4_address;
  std::string mac_address;
};

class PausePool {
 public:
  // `labels`: ecslocal.managed and the instance label (the role is added here).
  PausePool(DockerClient& docker, DockerNetworks& networks, std::size_t per_network, Labels labels,
            std::function<void(const std::string&)> warn);

  bool enabled() const { return per_network_ > 0; }

  // Whether a pause container of this shape can come from the pool: a user-defined network, a
  // planned address, no published ports, no network aliases, the image's own command.
  static bool eligible(const ContainerCreateSpec& pause);

  // A running warm container of the same shape as `pause` (the task's own pause spec) with an
  // address in `block` (the task's subnet), now the caller's; none when none is ready.
  std::optional<WarmPause> take(const ContainerCreateSpec& pause, const std::string& block);

  // Tops up the warm containers of `pause`'s network, shape and `block` (the subnet they take
  // their addresses from) to the pool size. Blocking.
  void fill(const ContainerCreateSpec& pause, const std::string& block, const std::string& gateway);

  // Removes the warm containers (of one network; empty: all); fills under way discard theirs.
  // Blocking. Returns how many were removed.
  std::size_t drain(const std::string& network = {});

  // No fills from now on (shutdown); then drain() if the containers should go.
  void close();

  std::size_t size() const;

 private:
  struct Entry {
    std::string id, network, key, shape, ipv4_address;  // key: network and block
  };
  static std::string shape_of(const ContainerCreateSpec& pause, const std::string& block);
  std::optional<Entry> make_one(const ContainerCreateSpec& pause, const std::string& cidr, const std::string& gateway,
                                std::vector<std::string>& avoid);

  DockerClient& docker_;
  DockerNetworks& networks_;
  const std::size_t per_network_;
  const Labels labels_;
  std::function<void(const std::string&)> warn_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;  // a fill made (or gave up) one container
  std::vector<Entry> ready_;
  std::vector<std::pair<std::string, std::string>> filling_;  // {network, key}, per container being made
  std::size_t generation_ = 0;        // drain() bumps it: older fills discard what they made
  bool closed_ = false;
  std::string name_seed_;                // the instance: Docker names are unique across instances
  std::atomic<std::size_t> serial_{0};
};

}  // namespace ecslocal::runtime
