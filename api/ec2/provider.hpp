#pragma once
// Amazon EC2, the networking part ECS users meet: VPCs, subnets, Availability Zones, security
// groups and their rules, the ENIs of awsvpc tasks, tags. The state is the VpcRegistry shared with
// the ECS provider (the app owns it). Operations live in one file per area, each registering its
// handlers here; handlers are named like the operation (describe_vpcs, create_subnet).
#include <memory>

#include "api/ports/ports.hpp"
#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::runtime {
class TaskRuntime;
}

namespace ecslocal::api::ec2 {

class Ec2Provider : public Service {
 public:
  explicit Ec2Provider(std::shared_ptr<vpc::VpcRegistry> networks);

  std::string_view name() const override { return "ec2"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  // Bad enums and constraints; a missing required member is MissingParameter (the ec2 codec).
  std::string validation_error_code() const override { return "InvalidParameterValue"; }

  // ---- Service lifecycle: EC2 owns the VPC state (reset, snapshot, view) ----
  void connect(Ports& ports) override { ports_ = &ports; }
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  // Forgets the VPC state; the bridges of created VPCs go too (when no task uses them any more).
  void on_reset() override;

  vpc::VpcRegistry& networks() { return *networks_; }
  vpc::VpcState& state(const RequestContext& ctx) { return networks_->at(ctx.account_id, ctx.region); }

  // The runtime that holds the Docker bridges of VPCs (DeleteVpc removes the VPC's bridge): the
  // port the app provides, or the override (unit tests).
  void set_task_runtime(runtime::TaskRuntime* runtime) { task_runtime_override_ = runtime; }
  runtime::TaskRuntime* task_runtime() const;

 private:
  std::shared_ptr<vpc::VpcRegistry> networks_;
  OperationTable table_;
  runtime::TaskRuntime* task_runtime_override_ = nullptr;
  Ports* ports_ = nullptr;
};

void register_vpc_operations(Ec2Provider& provider, OperationTable& table);
void register_subnet_operations(Ec2Provider& provider, OperationTable& table);
void register_security_group_operations(Ec2Provider& provider, OperationTable& table);
void register_network_interface_operations(Ec2Provider& provider, OperationTable& table);
void register_tag_operations(Ec2Provider& provider, OperationTable& table);

}  // namespace ecslocal::api::ec2
