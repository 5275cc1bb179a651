#include "api/ecs/provider.hpp"

namespace ecslocal::api::ecs {

EcsProvider::EcsProvider(std::shared_ptr<IdSource> ids, std::shared_ptr<vpc::VpcRegistry> networks)
    : ids_(std::move(ids)), networks_(networks ? std::move(networks) : std::make_shared<vpc::VpcRegistry>(ids_)) {
  register_cluster_operations(*this, table_);
  register_task_definition_operations(*this, table_);
  register_tag_operations(*this, table_);
  register_account_setting_operations(*this, table_);
  register_task_operations(*this, table_);
  register_service_operations(*this, table_);
}

const protocol::ServiceModel& EcsProvider::model() const { return protocol::ServiceModel::get("ecs"); }

}  // namespace ecslocal::api::ecs
