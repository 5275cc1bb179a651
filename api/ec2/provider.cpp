#include "api/ec2/provider.hpp"

#include "runtime/task_runtime.hpp"

namespace ecslocal::api::ec2 {

Ec2Provider::Ec2Provider(std::shared_ptr<vpc::VpcRegistry> networks) : networks_(std::move(networks)) {
  register_vpc_operations(*this, table_);
  register_subnet_operations(*this, table_);
  register_security_group_operations(*this, table_);
  register_network_interface_operations(*this, table_);
  register_tag_operations(*this, table_);
}

void Ec2Provider::reset() {
  networks_->clear();
  const auto forgotten = networks_->take_forgotten_networks();
  if (task_runtime_)
    for (const auto& network : forgotten) task_runtime_->remove_network(network);
}

const protocol::ServiceModel& Ec2Provider::model() const { return protocol::ServiceModel::get("ec2"); }

}  // namespace ecslocal::api::ec2
