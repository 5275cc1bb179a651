#pragma once
// The registry through which services offer each other narrow interfaces (the files of this
// folder) without including each other's folders. The app builds every service from one list
// (api/services.cpp); each service, in provide(), registers the ports it implements, then, in
// connect(), looks up the ports it uses. A port may have several providers (task observers,
// secret resolvers): find() gives the first, all() every one, in registration order.
// Built once at start-up, read on the state strand afterwards: no locks.
#include <algorithm>
#include <typeindex>
#include <unordered_map>
#include <vector>

namespace ecslocal::api {

class Ports {
 public:
  template <typename Port>
  void provide(Port* port) {
    if (port) entries_[std::type_index(typeid(Port))].push_back(port);
  }
  template <typename Port>
  void withdraw(Port* port) {
    auto it = entries_.find(std::type_index(typeid(Port)));
    if (it == entries_.end()) return;
    auto& v = it->second;
    v.erase(std::remove(v.begin(), v.end(), static_cast<void*>(port)), v.end());
  }
  // The first provider, or nullptr.
  template <typename Port>
  Port* find() const {
    auto it = entries_.find(std::type_index(typeid(Port)));
    return it == entries_.end() || it->second.empty() ? nullptr : static_cast<Port*>(it->second.front());
  }
  template <typename Port>
  std::vector<Port*> all() const {
    std::vector<Port*> out;
    if (auto it = entries_.find(std::type_index(typeid(Port))); it != entries_.end())
      for (void* p : it->second) out.push_back(static_cast<Port*>(p));
    return out;
  }

 private:
  std::unordered_map<std::type_index, std::vector<void*>> entries_;
};

}  // namespace ecslocal::api
