#pragma once
// Amazon CloudWatch Logs (JSON 1.1, Logs_20140328): log groups, streams, events, retention,
// tags, and the entry point the awslogs log driver ships container output through. Operation
// handlers live in one file per area (group_ops, stream_ops, event_ops, filter_ops, tag_ops).
#include <functional>
#include <string>
#include <vector>

#include "api/ports/log_group_directory.hpp"
#include "api/ports/ports.hpp"
#include "api/logs/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::logs {

class LogsProvider : public Service, public LogGroupDirectory {
 public:
  // `now_ms` (default: the system clock) is what ingestion times and age checks use.
  explicit LogsProvider(std::function<std::int64_t()> now_ms = {});

  std::string_view name() const override { return "logs"; }
  const protocol::ServiceModel& model() const override;
  const OperationTable& operations() const override { return table_; }
  std::string validation_error_code() const override { return "InvalidParameterException"; }

  // ---- Service lifecycle ----
  void provide(Ports& ports) override;
  Json snapshot() const override;
  void restore(const Json& snapshot) override;
  Json state_view(const StateViewQuery& query) const override;
  void on_reset() override { store_.clear(); }

  LogsState& state(const RequestContext& ctx) { return store_.at(ctx.account_id, ctx.region); }
  LogsState& state(const std::string& account_id, const std::string& region) { return store_.at(account_id, region); }
  std::int64_t now_ms() const { return now_ms_(); }

  // ---- LogGroupDirectory ----
  bool log_group_exists(const std::string& account_id, const std::string& region,
                        const std::string& group) const override;
  bool create_log_group(const std::string& account_id, const std::string& region, const std::string& group) override;

  // ---- the awslogs driver (on the state strand) ----
  // Appends to group/stream, creating the stream when missing. A group deleted meanwhile drops
  // the events (the awslogs driver would fail its calls); returns false then.
  bool ingest(const std::string& account_id, const std::string& region, const std::string& group,
              const std::string& stream, std::vector<NewEvent> events);

 private:
  LogsStore store_;
  OperationTable table_;
  std::function<std::int64_t()> now_ms_;
};

void register_group_operations(LogsProvider& provider, OperationTable& table);
void register_stream_operations(LogsProvider& provider, OperationTable& table);
void register_event_operations(LogsProvider& provider, OperationTable& table);
void register_filter_operations(LogsProvider& provider, OperationTable& table);
void register_tag_operations(LogsProvider& provider, OperationTable& table);

}  // namespace ecslocal::api::logs
