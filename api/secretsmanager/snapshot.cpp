#include "api/secretsmanager/snapshot.hpp"

#include <set>

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::secretsmanager {
namespace snap = ecslocal::api::snapshot;
using Json = nlohmann::json;

ECSLOCAL_SNAPSHOT_FIELDS(SecretVersion, id, string_value, binary_value, stages, created, sequence)
ECSLOCAL_SNAPSHOT_FIELDS(Secret, arn, name, description, kms_key_id, created, last_changed, last_accessed, deleted_at,
                         deletion_date, versions, tags, sequence, next_version_sequence)

namespace {

void check(const SecretsState& state) {
  for (const auto& [name, s] : state.secrets) {
    if (s.name != name) throw std::runtime_error("the secret stored as " + name + " is named " + s.name);
    if (s.sequence >= state.next_sequence) throw std::runtime_error("the secret " + name + " has a sequence past next_sequence");
    std::set<std::string> stages;
    for (const auto& [id, v] : s.versions) {
      if (v.id != id) throw std::runtime_error("the version stored as " + id + " of secret " + name + " has id " + v.id);
      for (const auto& stage : v.stages)
        if (!stages.insert(stage).second)
          throw std::runtime_error("the staging label " + stage + " is on two versions of secret " + name);
    }
  }
}

Json snapshot_state(const SecretsState& state) {
  return Json{{"secrets", state.secrets}, {"next_sequence", state.next_sequence}};
}

void restore_state(SecretsState& state, const Json& doc) {
  if (!doc.is_object()) throw std::runtime_error("a Secrets Manager state must be an object");
  SecretsState fresh;
  if (auto it = doc.find("secrets"); it != doc.end()) it->get_to(fresh.secrets);
  fresh.next_sequence = doc.value("next_sequence", std::uint64_t{1});
  check(fresh);
  state = std::move(fresh);
}

}  // namespace

Json snapshot_secrets(const SecretsStore& store) {
  return snap::document("secretsmanager", Json{{"states", snap::states_to_json(store, snapshot_state)}});
}

void restore_secrets(SecretsStore& store, const Json& snapshot) {
  snap::check_document("secretsmanager", snapshot);
  auto states =
      snap::states_from_json<SecretsState>("secretsmanager", snap::array_member(snapshot, "states"), restore_state);
  snap::put_states(store, std::move(states));
}

}  // namespace ecslocal::api::secretsmanager
