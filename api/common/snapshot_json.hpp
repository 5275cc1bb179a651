#pragma once
// The pieces every service's snapshot (persistence) shares: how time points, optionals and enums
// become JSON, the versioned top-level document, and the loop over per-account/region states.
//
// Snapshot documents are internal: member names are the C++ member names (snake_case), never the
// AWS wire names, except where an entity keeps a wire document of its own (a task definition's
// echoed members). Objects are nlohmann's sorted maps and every collection is written in the
// order its container keeps, so the same state always gives the same text (diffable).
//
// Time points are integers: nanoseconds since the Unix epoch (the system clock's own resolution
// on Linux), so a restored state compares and orders exactly as the original did; epoch
// milliseconds would shift sub-millisecond differences.
//
// Restoring: a document of another service, another format, or with a member of the wrong type
// or an unknown enum name throws std::runtime_error with a message saying what was wrong. Missing
// members take the entity's defaults (documents of the same format written before a member was
// added stay readable). Restores build a fresh state and swap it in only once all of it was read.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "api/common/json_serializers.hpp"

namespace ecslocal::api::snapshot {

using Json = nlohmann::json;

// The format this build writes and the only one it reads.
inline constexpr int kFormat = 1;

// --- enums by name ---

template <typename E, size_t N>
const char* enum_name(const std::pair<E, const char*> (&table)[N], E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  throw std::runtime_error("an enum value without a name: " + std::to_string(static_cast<long long>(value)));
}

template <typename E, size_t N>
E enum_value(const std::pair<E, const char*> (&table)[N], const Json& j, const char* type) {
  if (j.is_string())
    for (const auto& [e, name] : table)
      if (j.get_ref<const std::string&>() == name) return e;
  std::string known;
  for (const auto& [e, name] : table) known += (known.empty() ? "" : ", ") + std::string(name);
  throw std::runtime_error(std::string("unknown ") + type + " " + j.dump() + " (known: " + known + ")");
}

// --- the top-level document ---

// {"format": 1, "service": <service>, ...body's members}.
inline Json document(std::string_view service, Json body = Json::object()) {
  body["format"] = kFormat;
  body["service"] = std::string(service);
  return body;
}

// Throws std::runtime_error unless `doc` is an object of `service` in format kFormat.
inline void check_document(std::string_view service, const Json& doc) {
  const std::string who = std::string(service) + " snapshot: ";
  if (!doc.is_object()) throw std::runtime_error(who + "the document is not a JSON object");
  auto format = doc.find("format");
  if (format == doc.end() || !format->is_number_integer())
    throw std::runtime_error(who + "the document has no format number");
  if (format->get<long long>() != kFormat)
    throw std::runtime_error(who + "format " + format->dump() + " is not supported (this ecslocal reads format " +
                             std::to_string(kFormat) + ")");
  auto name = doc.find("service");
  if (name == doc.end() || !name->is_string() || name->get_ref<const std::string&>() != service)
    throw std::runtime_error(who + "the document is a snapshot of " +
                             (name == doc.end() ? std::string("no service") : name->dump()) + ", not of " +
                             std::string(service));
}

// Runs `read` and turns whatever it throws (nlohmann's type errors, our own) into one
// std::runtime_error saying which service and which part.
template <typename F>
auto reading(std::string_view service, const std::string& part, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(service) + " snapshot: " + part + ": " + e.what());
  }
}

// The same inside a service's document: prefixes `part` only.
template <typename F>
auto within(const std::string& part, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const std::exception& e) {
    throw std::runtime_error(part + ": " + e.what());
  }
}

// The member `key` of `doc`, which must be an array (an absent member reads as empty).
inline const Json& array_member(const Json& doc, const char* key) {
  static const Json empty = Json::array();
  auto it = doc.find(key);
  if (it == doc.end()) return empty;
  if (!it->is_array()) throw std::runtime_error(std::string("member ") + key + " is not an array");
  return *it;
}

// --- per-account/region states ---
// Written against the store interface of AccountRegionStore<State>: for_each(f(account, region,
// state)) const and put(account, region, State).

// [{"account": ..., "region": ..., "state": snapshot_one(state)}, ...] in the store's order.
template <typename Store, typename F>
Json states_to_json(const Store& store, F&& snapshot_one) {
  Json out = Json::array();
  store.for_each([&](const std::string& account, const std::string& region, const auto& state) {
    out.push_back(Json{{"account", account}, {"region", region}, {"state", snapshot_one(state)}});
  });
  return out;
}

template <typename State>
using KeyedStates = std::vector<std::tuple<std::string, std::string, State>>;

// The states of such a list, each made fresh and filled by restore_one(State&, const Json&).
// Throws std::runtime_error naming the account and region of a state that cannot be read.
template <typename State, typename F>
KeyedStates<State> states_from_json(std::string_view service, const Json& list, F&& restore_one) {
  if (!list.is_array()) throw std::runtime_error(std::string(service) + " snapshot: member states is not an array");
  KeyedStates<State> out;
  out.reserve(list.size());
  for (const auto& entry : list) {
    if (!entry.is_object() || !entry.contains("account") || !entry["account"].is_string() ||
        !entry.contains("region") || !entry["region"].is_string() || !entry.contains("state"))
      throw std::runtime_error(std::string(service) + " snapshot: a state entry needs account, region and state: " +
                               entry.dump().substr(0, 200));
    const std::string account = entry["account"], region = entry["region"];
    auto& [a, r, state] = out.emplace_back(account, region, State{});
    reading(service, "the state of account " + account + " in region " + (region.empty() ? "(global)" : region),
            [&] { restore_one(state, entry["state"]); });
  }
  return out;
}

// Replaces everything in `store` by `states` (no Init runs for them).
template <typename Store, typename State>
void put_states(Store& store, KeyedStates<State> states) {
  store.clear();
  for (auto& [account, region, state] : states) store.put(account, region, std::move(state));
}

}  // namespace ecslocal::api::snapshot

// The serializers below have internal linkage (static): a snapshot's JSON form of an entity is the
// snapshot file's own, and another file (a state view, a mapping) may give the same type another
// form without the two meeting. Use them in the type's namespace (ADL), inner types first.

// to_json / from_json of a struct, member by member under the member's own name: nlohmann's
// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT (a missing member keeps its default, a member of
// the wrong type throws), with internal linkage.
#define ECSLOCAL_SNAPSHOT_FIELDS(Type, ...)                                                                  \
  [[maybe_unused]] static void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t) {       \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__))                                 \
  }                                                                                                          \
  [[maybe_unused]] static void from_json(const nlohmann::json& nlohmann_json_j, Type& nlohmann_json_t) {     \
    if (!nlohmann_json_j.is_object())                                                                        \
      throw std::runtime_error(std::string(#Type " must be an object, not ") + nlohmann_json_j.type_name()); \
    const Type nlohmann_json_default_obj{};                                                                  \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_FROM_WITH_DEFAULT, __VA_ARGS__))                  \
  }

// to_json / from_json of an enum by name; unknown names throw.
//   ECSLOCAL_SNAPSHOT_ENUM(TaskStatus, {{TaskStatus::Pending, "PENDING"}, ...})
#define ECSLOCAL_SNAPSHOT_ENUM(E, ...)                                    \
  [[maybe_unused]] static void to_json(nlohmann::json& j, const E& e) {   \
    static const std::pair<E, const char*> names[] = __VA_ARGS__;         \
    j = ::ecslocal::api::snapshot::enum_name(names, e);                   \
  }                                                                       \
  [[maybe_unused]] static void from_json(const nlohmann::json& j, E& e) { \
    static const std::pair<E, const char*> names[] = __VA_ARGS__;         \
    e = ::ecslocal::api::snapshot::enum_value(names, j, #E);              \
  }
