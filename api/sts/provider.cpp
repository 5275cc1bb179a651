#include "api/sts/provider.hpp"

namespace ecslocal::api::sts {

StsProvider::StsProvider(std::shared_ptr<iam::IamProvider> iam, std::shared_ptr<IdSource> ids)
    : iam_(std::move(iam)), ids_(std::move(ids)) {
  register_sts_operations(*this, table_);
}

const protocol::ServiceModel& StsProvider::model() const { return protocol::ServiceModel::get("sts"); }

std::optional<std::string> StsProvider::account_for_access_key(const std::string& access_key) const {
  const Session* session = sessions_.find(access_key);
  if (!session) return std::nullopt;
  return session->account_id;
}

}  // namespace ecslocal::api::sts
