#include "api/ssm/provider.hpp"

#include "api/ports/exec_sessions.hpp"
#include "api/ssm/mapping.hpp"
#include "api/ssm/snapshot.hpp"

namespace ecslocal::api::ssm {

SsmProvider::SsmProvider() {
  register_parameter_operations(*this, table_);
  register_query_operations(*this, table_);
  register_tag_operations(*this, table_);
  register_session_operations(*this, table_);
}

ExecSessions* SsmProvider::exec_sessions() const { return ports_ ? ports_->find<ExecSessions>() : nullptr; }

const protocol::ServiceModel& SsmProvider::model() const { return protocol::ServiceModel::get("ssm"); }

Json SsmProvider::snapshot() const { return snapshot_ssm(store_); }
void SsmProvider::restore(const Json& snapshot) { restore_ssm(store_, snapshot); }

// Parameters as DescribeParameters shows them (no values), with their tags.
Json SsmProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const SsmState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json params = Json::array();
    for (const auto& [name, p] : state.parameters) {
      Json m = metadata_json(p);
      m["ARN"] = parameter_arn(account, region, name);
      m["Tags"] = tag_list_json(p.tags);
      params.push_back(std::move(m));
    }
    out.push_back({{"account", account}, {"region", region}, {"parameters", std::move(params)}});
  });
  return out;
}

bool SsmProvider::serves(std::string_view value_from) const {
  return value_from.rfind("arn:", 0) != 0 || value_from.substr(0, 12) == "arn:aws:ssm:";
}

SecretValue SsmProvider::resolve(const SecretReference& reference) const {
  const std::string failed =
      "execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 "
      "time(s): invalid ssm parameters: " + reference.value_from;
  auto ref = parse_name_ref(reference.value_from);
  if (!ref) return {std::nullopt, failed};
  const std::string account = ref->arn_account.empty() ? reference.account_id : ref->arn_account;
  const std::string region = ref->arn_region.empty() ? reference.region : ref->arn_region;
  if (account != reference.account_id) return {std::nullopt, failed};  // no cross-account reads
  SsmState* state = store_.find(account, region);
  if (!state) return {std::nullopt, failed};
  const Parameter* p = nullptr;
  const ParameterVersion* v = select(*state, *ref, &p);
  if (!v) return {std::nullopt, failed};
  return {v->value, ""};
}

}  // namespace ecslocal::api::ssm
