#include "api/ssm/snapshot.hpp"

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::ssm {
namespace snap = ecslocal::api::snapshot;
using Json = nlohmann::json;

ECSLOCAL_SNAPSHOT_FIELDS(ParameterVersion, version, type, value, key_id, description, allowed_pattern, tier, data_type,
                         last_modified_user, modified, labels)
ECSLOCAL_SNAPSHOT_FIELDS(Parameter, name, versions, tags)

namespace {

void check(const SsmState& state) {
  for (const auto& [name, p] : state.parameters) {
    if (p.name != name) throw std::runtime_error("the parameter stored as " + name + " is named " + p.name);
    if (p.versions.empty()) throw std::runtime_error("the parameter " + name + " has no versions");
    for (size_t i = 1; i < p.versions.size(); ++i)
      if (p.versions[i].version <= p.versions[i - 1].version)
        throw std::runtime_error("the versions of parameter " + name + " are not ascending");
  }
}

Json snapshot_state(const SsmState& state) { return Json{{"parameters", state.parameters}}; }

void restore_state(SsmState& state, const Json& doc) {
  if (!doc.is_object()) throw std::runtime_error("an SSM state must be an object");
  SsmState fresh;
  if (auto it = doc.find("parameters"); it != doc.end()) it->get_to(fresh.parameters);
  check(fresh);
  state = std::move(fresh);
}

}  // namespace

Json snapshot_ssm(const SsmStore& store) {
  return snap::document("ssm", Json{{"states", snap::states_to_json(store, snapshot_state)}});
}

void restore_ssm(SsmStore& store, const Json& snapshot) {
  snap::check_document("ssm", snapshot);
  auto states = snap::states_from_json<SsmState>("ssm", snap::array_member(snapshot, "states"), restore_state);
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::ssm
