#include "runtime/docker/docker_networks.hpp"

#include <chrono>
#include <thread>

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "runtime/labels.hpp"

namespace ecslocal::runtime {

namespace {
constexpr int kNetworkAttempts = 6;  // waits 50+100+...+250 ms = 0.75 s at the most
}  // namespace

namespace {

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  in_addr address{};
  if (::inet_pton(AF_INET, text.c_str(), &address) != 1) return std::nullopt;
  return ntohl(address.s_addr);
}

std::string format_ipv4(std::uint32_t value) {
  in_addr address{};
  address.s_addr = htonl(value);
  char text[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

}  // namespace

DockerResult<std::string> DockerNetworks::adopt(const NetworkInfo& network, const NetworkRequest& request) {
  bool has_subnet = request.cidr.empty() ||
                    std::find(network.subnets.begin(), network.subnets.end(), request.cidr) != network.subnets.end();
  if (!has_subnet) {
    std::string subnets;
    for (const auto& subnet : network.subnets) subnets += (subnets.empty() ? "" : ", ") + subnet;
    return docker_error(DockerErrorKind::conflict, "the Docker network " + request.name + " exists with subnet " +
                                                       (subnets.empty() ? "(none)" : subnets) + ", not " + request.cidr);
  }
  return network.id;
}

DockerResult<std::string> DockerNetworks::ensure(const NetworkRequest& request) {
  std::lock_guard lock(mutex_);
  auto existing = docker_.inspect_network(request.name);
  if (existing) return adopt(*existing, request);
  if (existing.error().kind != DockerErrorKind::not_found) return existing.error();

  NetworkCreateSpec spec;
  spec.name = request.name;
  spec.driver = "bridge";
  spec.subnet = request.cidr;
  spec.gateway = request.gateway;
  spec.labels = request.labels;
  spec.internal = request.internal;
  spec.labels[std::string(labels::managed)] = std::string(labels::managed_value);
  // Another ecslocal may make or remove the same shared network at the same moment (the last
  // user removes it): a create can then fail with 409 or "Pool overlaps" (Docker frees a removed
  // network's pool a little after its name) while the inspect that follows finds nothing. Try
  // again a bounded number of times, a little later each time, before giving up.
  DockerError last = docker_error(DockerErrorKind::conflict, "the Docker network " + request.name + " could not be made");
  for (int attempt = 0; attempt < kNetworkAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    auto created = docker_.create_network(spec);
    if (created) return created;
    last = created.error();
    // Someone else made it between our inspect and our create: use theirs when it is there now.
    auto again = docker_.inspect_network(request.name);
    if (again) return adopt(*again, request);
    if (again.error().kind != DockerErrorKind::not_found) return again.error();
    if (created.error().kind != DockerErrorKind::conflict && created.error().message.find("overlap") == std::string::npos)
      return created.error();
  }
  return last;
}

bool DockerNetworks::remove_if_unused(const std::string& name, const std::vector<std::string>& label_filters) {
  std::lock_guard lock(mutex_);
  auto network = docker_.inspect_network(name);
  if (!network) return network.error().kind == DockerErrorKind::not_found;
  for (const auto& filter : label_filters) {
    const auto eq = filter.find('=');
    auto it = network->labels.find(filter.substr(0, eq));
    if (it == network->labels.end() || (eq != std::string::npos && it->second != filter.substr(eq + 1))) return false;
  }
  if (!network->containers.empty()) return false;
  auto removed = docker_.remove_network(network->id);
  return removed || removed.error().kind == DockerErrorKind::not_found;
}

std::vector<std::string> DockerNetworks::remove_unused(const std::vector<std::string>& label_filters) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> removed;
  auto networks = docker_.list_networks(label_filters);
  if (!networks) return removed;
  for (const auto& listed : *networks) {
    // The list does not say who is attached: inspect each.
    auto network = docker_.inspect_network(listed.id);
    if (!network || !network->containers.empty()) continue;
    if (docker_.remove_network(network->id)) removed.push_back(network->name);
  }
  return removed;
}

}  // namespace ecslocal::runtime

namespace ecslocal::runtime {

std::optional<std::string> DockerNetworks::next_free_address(const std::string& network, const std::string& cidr,
                                                             const std::string& gateway, const std::string& after,
                                                             const std::set<std::string>& avoid) {
  return free_address(network, cidr, gateway, &after, avoid);
}

std::optional<std::string> DockerNetworks::highest_free_address(const std::string& network, const std::string& cidr,
                                                                const std::string& gateway,
                                                                const std::set<std::string>& avoid) {
  return free_address(network, cidr, gateway, nullptr, avoid);
}

// Upwards from after `after` (wrapping around), or downwards from the block's last usable address.
std::optional<std::string> DockerNetworks::free_address(const std::string& network, const std::string& cidr,
                                                        const std::string& gateway, const std::string* after,
                                                        const std::set<std::string>& avoid) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto base = parse_ipv4(cidr.substr(0, slash));
  auto start = after ? parse_ipv4(*after) : std::optional<std::uint32_t>(0);
  int prefix = std::atoi(cidr.c_str() + slash + 1);
  if (!base || !start || prefix < 8 || prefix > 28) return std::nullopt;
  std::uint32_t size = 1u << (32 - prefix);
  std::uint32_t first = (*base & ~(size - 1)) + 4, last = (*base & ~(size - 1)) + size - 2;
  auto info = docker_.inspect_network(network);
  if (!info) return std::nullopt;
  std::set<std::string> held = avoid;
  for (const auto& [id, member] : info->containers) held.insert(member.ipv4_address);
  if (!gateway.empty()) held.insert(gateway);
  if (!after) {
    for (std::uint32_t candidate = last; candidate >= first; --candidate) {
      std::string text = format_ipv4(candidate);
      if (!held.count(text)) return text;
    }
    return std::nullopt;
  }
  std::uint32_t candidate = *start;
  for (std::uint32_t tried = 0; tried < size; ++tried) {
    candidate = candidate >= last || candidate < first ? first : candidate + 1;
    std::string text = format_ipv4(candidate);
    if (!held.count(text)) return text;
  }
  return std::nullopt;
}

}  // namespace ecslocal::runtime
