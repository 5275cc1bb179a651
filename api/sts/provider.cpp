#include "api/sts/provider.hpp"

#include <stdexcept>

#include "api/sts/snapshot.hpp"

namespace ecslocal::api::sts {

StsProvider::StsProvider(std::shared_ptr<IdSource> ids) : ids_(std::move(ids)) {
  register_sts_operations(*this, table_);
}

const protocol::ServiceModel& StsProvider::model() const { return protocol::ServiceModel::get("sts"); }

std::optional<std::string> StsProvider::account_for_access_key(const std::string& access_key) const {
  const Session* session = sessions_.find(access_key);
  if (!session) return std::nullopt;
  return session->account_id;
}

std::optional<IssuedIdentity> StsProvider::identity_of(const std::string& access_key_id) const {
  const Session* session = sessions_.find(access_key_id);
  if (!session) return std::nullopt;
  return IssuedIdentity{session->account_id, session->assumed_role_arn};
}

Json StsProvider::snapshot() const { return snapshot_sts(sessions_); }
void StsProvider::restore(const Json& snapshot) { restore_sts(sessions_, snapshot); }

// The sessions AssumeRole opened (never their secrets).
Json StsProvider::state_view(const StateViewQuery& query) const {
  Json sessions = Json::array();
  for (const auto& [key, s] : sessions_.all()) {
    if (!query.account_id.empty() && query.account_id != s.account_id) continue;
    sessions.push_back({{"AccessKeyId", s.access_key_id}, {"Account", s.account_id}, {"Arn", s.assumed_role_arn}});
  }
  return Json::array({{{"sessions", std::move(sessions)}}});
}

}  // namespace ecslocal::api::sts
