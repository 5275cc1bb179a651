#pragma once
// Amazon ECS: the operation table and the state it acts on. Operation handlers live in one file
// per area (clusters, task definitions, tags, account settings, ...), each registering its
// operations here; handlers are named like the operation (create_cluster, run_task).
#include <memory>

#include "api/common/ids.hpp"
#include "api/ecs/state.hpp"
#include "api/service.hpp"

namespace ecslocal::api::ecs {

class EcsProvider : public Service {
 public:
  explicit EcsProvider(std::shared_ptr<IdSource> ids = std::make_shared<IdSource>());

  std::string_view name() const override { return "ecs"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  void reset() override { store_.clear(); }
  std::string validation_error_code() const override { return "InvalidParameterException"; }

  EcsState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  IdSource& ids() { return *ids_; }

 private:
  std::shared_ptr<IdSource> ids_;
  EcsStore store_;
  OperationTable table_;
};

// Each area adds its operations; defined in the area's *_ops.cpp file.
void register_cluster_operations(EcsProvider& provider, OperationTable& table);
void register_task_definition_operations(EcsProvider& provider, OperationTable& table);
void register_tag_operations(EcsProvider& provider, OperationTable& table);
void register_account_setting_operations(EcsProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::ecs
