#pragma once
// The user-defined bridge networks that stand in for VPC subnets: made on first use with the
// caller's CIDR, gateway and labels, shared by every task on them, and removed only when no
// container uses them any more. Creation is serialized inside the process, and a network that
// another process (or an earlier run) made in the meantime is adopted instead of failing.
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/docker/docker_client.hpp"

namespace ecslocal::runtime {

struct NetworkRequest {
  std::string name;
  std::string cidr;     // empty: Docker chooses
  std::string gateway;  // empty: Docker chooses
  Labels labels;        // ecslocal.managed=true is always added
  bool internal = false;  // no route out (the task endpoints network)
};

class DockerNetworks {
 public:
  explicit DockerNetworks(DockerClient& docker) : docker_(docker) {}

  // The network's id: the existing one when a network of that name exists (its subnet must then
  // hold `cidr`), else a new one.
  DockerResult<std::string> ensure(const NetworkRequest& request);

  // Removes every network matching all `label_filters` that no container is attached to;
  // returns the names removed. Networks still in use, and ones Docker refuses to remove, stay.
  std::vector<std::string> remove_unused(const std::vector<std::string>& label_filters);

  // Removes the network `name` when it carries every label of `label_filters` ("key=value") and no
  // container is attached. True when it is gone (removed now, or there was none).
  bool remove_if_unused(const std::string& name, const std::vector<std::string>& label_filters);

  // The first address after `after` in `cidr` (wrapping around) that no container on `network`
  // holds and that is not in `avoid`; as in AWS, the first four addresses of the block and its
  // last one are never taken, nor the gateway. None when the block is full (or Docker cannot say).
  std::optional<std::string> next_free_address(const std::string& network, const std::string& cidr,
                                               const std::string& gateway, const std::string& after,
                                               const std::set<std::string>& avoid);
  // The highest such address (warm pause containers take theirs from the top, away from the
  // planned ones).
  std::optional<std::string> highest_free_address(const std::string& network, const std::string& cidr,
                                                  const std::string& gateway, const std::set<std::string>& avoid);

 private:
  std::optional<std::string> free_address(const std::string& network, const std::string& cidr,
                                          const std::string& gateway, const std::string* after,
                                          const std::set<std::string>& avoid);
  DockerResult<std::string> adopt(const NetworkInfo& network, const NetworkRequest& request);

  DockerClient& docker_;
  std::mutex mutex_;
};

}  // namespace ecslocal::runtime
