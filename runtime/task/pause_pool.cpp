#include "runtime/task/pause_pool.hpp"

#include <algorithm>
#include <set>

#include "runtime/labels.hpp"
#include "runtime/task/pause_image.hpp"

namespace ecslocal::runtime {

namespace {

std::string dashed(std::string ip) {
  std::replace(ip.begin(), ip.end(), '.', '-');
  return ip;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

constexpr int make_attempts = 3;  // addresses tried when another process takes the chosen one first

}  // namespace

void readdress_pause(ContainerCreateSpec& pause, const std::string& from, const std::string& to) {
  if (pause.endpoint) pause.endpoint->ipv4_address = to;
  replace_all(pause.hostname, dashed(from), dashed(to));
  for (auto& entry : pause.extra_hosts) {
    replace_all(entry, dashed(from), dashed(to));
    auto colon = entry.rfind(':');
    if (colon != std::string::npos && entry.substr(colon + 1) == from) entry = entry.substr(0, colon + 1) + to;
  }
}

PausePool::PausePool(DockerClient& docker, DockerNetworks& networks, std::size_t per_network, Labels labels,
                     std::function<void(const std::string&)> warn)
    : docker_(docker), networks_(networks), per_network_(per_network), labels_(std::move(labels)), warn_(std::move(warn)) {
  auto instance = labels_.find(std::string(labels::instance));
  if (instance != labels_.end()) name_seed_ = instance->second;
}

bool PausePool::eligible(const ContainerCreateSpec& pause) {
  return pause.endpoint && !pause.endpoint->network.empty() && !pause.endpoint->ipv4_address.empty() &&
         pause.port_bindings.empty() && pause.endpoint->aliases.empty() && !pause.cmd;
}

// Everything of the spec but its address (and what is named after it), name and labels.
std::string PausePool::shape_of(const ContainerCreateSpec& pause, const std::string& block) {
  ContainerCreateSpec shape = pause;
  readdress_pause(shape, pause.endpoint->ipv4_address, "0.0.0.0");
  std::string out = shape.image + '\n' + shape.network_mode + '\n' + shape.endpoint->network + '\n' + shape.hostname + '\n' +
                    std::to_string(shape.stop_timeout_s.value_or(-1)) + '\n' + block;
  for (const auto& d : shape.dns) out += "\ndns " + d;
  for (const auto& h : shape.extra_hosts) out += "\nhost " + h;
  return out;
}

std::optional<WarmPause> PausePool::take(const ContainerCreateSpec& pause, const std::string& block) {
  if (!enabled() || !eligible(pause)) return std::nullopt;
  const std::string shape = shape_of(pause, block);
  while (true) {
    Entry entry;
    {
      std::lock_guard lock(mutex_);
      auto it = std::find_if(ready_.begin(), ready_.end(), [&](const Entry& e) { return e.shape == shape; });
      if (it == ready_.end()) return std::nullopt;
      entry = std::move(*it);
      ready_.erase(it);
    }
    auto info = docker_.inspect_container(entry.id);
    if (info && info->running) {
      WarmPause out{entry.id, entry.ipv4_address, info->mac_address};
      auto endpoint = info->networks.find(entry.network);
      if (endpoint != info->networks.end()) {
        if (!endpoint->second.ipv4_address.empty()) out.ipv4_address = endpoint->second.ipv4_address;
        if (!endpoint->second.mac_address.empty()) out.mac_address = endpoint->second.mac_address;
      }
      return out;
    }
    // Gone or stopped while it waited (someone removed it): the next one, or none.
    docker_.remove_container(entry.id, RemoveOptions{true, true});
  }
}

void PausePool::fill(const ContainerCreateSpec& pause, const std::string& cidr, const std::string& gateway) {
  if (!enabled() || !eligible(pause)) return;
  const std::string& network = pause.endpoint->network;
  const std::string key = network + '|' + cidr;
  const std::string shape = shape_of(pause, cidr);
  std::size_t generation = 0;
  std::size_t wanted = 0;
  std::vector<std::string> avoid;
  std::vector<Entry> stale;  // warm ones of an older shape on this network (say its DNS changed)
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    auto fresh = std::stable_partition(ready_.begin(), ready_.end(),
                                       [&](const Entry& e) { return e.key != key || e.shape == shape; });
    stale.assign(std::make_move_iterator(fresh), std::make_move_iterator(ready_.end()));
    ready_.erase(fresh, ready_.end());
    std::size_t have = std::count_if(ready_.begin(), ready_.end(), [&](const Entry& e) { return e.key == key; }) +
                       std::count_if(filling_.begin(), filling_.end(), [&](const auto& f) { return f.second == key; });
    wanted = have >= per_network_ ? 0 : per_network_ - have;
    for (std::size_t i = 0; i < wanted; ++i) filling_.emplace_back(network, key);
    generation = generation_;
    for (const auto& e : ready_) avoid.push_back(e.ipv4_address);  // Docker lists them too, once started
  }
  for (const auto& e : stale) docker_.remove_container(e.id, RemoveOptions{true, true});
  avoid.push_back(pause.endpoint->ipv4_address);
  for (std::size_t i = 0; i < wanted; ++i) {
    bool go_on = false;
    {
      std::lock_guard lock(mutex_);
      go_on = !closed_ && generation == generation_;
    }
    std::optional<Entry> made;
    if (go_on) made = make_one(pause, cidr, gateway, avoid);
    bool keep = false;
    {
      std::lock_guard lock(mutex_);
      filling_.erase(std::find(filling_.begin(), filling_.end(), std::make_pair(network, key)));
      keep = made && !closed_ && generation == generation_;  // else drained meanwhile: it goes too
      if (keep) {
        made->shape = shape;
        made->key = key;
        ready_.push_back(std::move(*made));
      }
    }
    if (made && !keep) docker_.remove_container(made->id, RemoveOptions{true, true});
    idle_.notify_all();
  }
}

std::optional<PausePool::Entry> PausePool::make_one(const ContainerCreateSpec& pause, const std::string& cidr,
                                                    const std::string& gateway, std::vector<std::string>& avoid) {
  const std::string& network = pause.endpoint->network;
  for (int attempt = 0; attempt < make_attempts; ++attempt) {
    auto address = networks_.highest_free_address(network, cidr, gateway, {avoid.begin(), avoid.end()});
    if (!address) return std::nullopt;
    avoid.push_back(*address);
    ContainerCreateSpec spec = pause;
    readdress_pause(spec, pause.endpoint->ipv4_address, *address);
    spec.labels = labels_;
    spec.labels[std::string(labels::role)] = std::string(labels::role_pause_pool);
    spec.name = "ecslocal-pool-" + content_tag(name_seed_ + '|' + network + '|' + *address + '|' + std::to_string(++serial_)).substr(0, 16);
    auto id = docker_.create_container(spec);
    if (!id) {
      warn_("a warm pause container on " + network + " could not be created: " + id.error().describe());
      return std::nullopt;
    }
    auto started = docker_.start_container(*id);
    if (started) return Entry{*id, network, {}, {}, *address};
    docker_.remove_container(*id, RemoveOptions{true, true});
    if (started.error().message.find("ddress already in use") == std::string::npos) {
      warn_("a warm pause container on " + network + " could not start: " + started.error().describe());
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::size_t PausePool::drain(const std::string& network) {
  std::vector<Entry> gone;
  {
    std::unique_lock lock(mutex_);
    ++generation_;
    // A fill under way finishes (or discards) the container it is making first.
    idle_.wait(lock, [&] {
      return std::none_of(filling_.begin(), filling_.end(),
                          [&](const auto& f) { return network.empty() || f.first == network; });
    });
    auto keep = std::stable_partition(ready_.begin(), ready_.end(),
                                      [&](const Entry& e) { return !network.empty() && e.network != network; });
    gone.assign(std::make_move_iterator(keep), std::make_move_iterator(ready_.end()));
    ready_.erase(keep, ready_.end());
  }
  for (const auto& e : gone) docker_.remove_container(e.id, RemoveOptions{true, true});
  return gone.size();
}

void PausePool::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

std::size_t PausePool::size() const {
  std::lock_guard lock(mutex_);
  return ready_.size();
}

}  // namespace ecslocal::runtime
