#pragma once
// Per-account, per-region state of a service: one State per (account, region), created on first
// use. Global services (IAM) use kGlobalRegion. Owned by the state strand: no locks.
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace ecslocal::api {

inline constexpr const char* kGlobalRegion = "";

template <typename State>
class AccountRegionStore {
 public:
  using Key = std::pair<std::string, std::string>;  // account, region
  // Called once for each State the store creates (e.g. to lay out a default VPC).
  using Init = std::function<void(State&, const std::string& account_id, const std::string& region)>;

  AccountRegionStore() = default;
  explicit AccountRegionStore(Init init) : init_(std::move(init)) {}

  State& at(const std::string& account_id, const std::string& region = kGlobalRegion) {
    auto [it, created] = states_.try_emplace(Key{account_id, region});
    if (created && init_) init_(it->second, account_id, region);
    return it->second;
  }
  State* find(const std::string& account_id, const std::string& region = kGlobalRegion) {
    auto it = states_.find(Key{account_id, region});
    return it == states_.end() ? nullptr : &it->second;
  }
  const State* find(const std::string& account_id, const std::string& region = kGlobalRegion) const {
    auto it = states_.find(Key{account_id, region});
    return it == states_.end() ? nullptr : &it->second;
  }
  // f(account_id, region, state), in (account, region) order.
  template <typename F>
  void for_each(F&& f) {
    for (auto& [key, state] : states_) f(key.first, key.second, state);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, state] : states_) f(key.first, key.second, state);
  }
  // Puts a state as it is (restore); replaces one that was there. No Init runs.
  State& put(const std::string& account_id, const std::string& region, State state) {
    return states_.insert_or_assign(Key{account_id, region}, std::move(state)).first->second;
  }
  void clear() { states_.clear(); }
  size_t size() const { return states_.size(); }
  bool empty() const { return states_.empty(); }

 private:
  std::map<Key, State> states_;
  Init init_;
};

}  // namespace ecslocal::api
