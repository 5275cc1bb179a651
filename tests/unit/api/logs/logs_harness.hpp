#pragma once
// Calls CloudWatch Logs operations through the real Gateway (model validation, strict output
// shapes, error envelopes) with a clock the test moves.
#include <memory>
#include <string>

#include "api/gateway.hpp"
#include "api/logs/provider.hpp"
#include "tests/fakes/gateway_calls.hpp"

namespace ecslocal::api::logs::test {

using ecslocal::testing::CallResult;

inline constexpr std::int64_t kNow = 1'700'000'000'000;  // ms

class LogsHarness {
 public:
  LogsHarness() : gateway_(ecslocal::testing::strict_gateway_options()) {
    provider_ = std::make_shared<LogsProvider>([this] { return now_; });
    gateway_.add(provider_);
  }

  CallResult call(const std::string& operation, const Json& input = Json::object()) {
    return ecslocal::testing::json_call(gateway_, "Logs_20140328." + operation, input, {"", "", "", "test-request"});
  }
  Json ok(const std::string& operation, const Json& input = Json::object()) {
    auto r = call(operation, input);
    EXPECT_TRUE(r.ok()) << operation << ": " << r.body.dump();
    return r.body;
  }
  void put(const std::string& group, const std::string& stream, const std::vector<std::string>& messages,
           std::int64_t start) {
    Json events = Json::array();
    for (std::size_t i = 0; i < messages.size(); ++i)
      events.push_back({{"timestamp", start + static_cast<std::int64_t>(i)}, {"message", messages[i]}});
    ok("PutLogEvents", {{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", events}});
  }

  LogsProvider& provider() { return *provider_; }
  std::int64_t now_ = kNow;

 private:
  Gateway gateway_;
  std::shared_ptr<LogsProvider> provider_;
};

inline std::vector<std::string> messages(const Json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.value("message", ""));
  return out;
}

}  // namespace ecslocal::api::logs::test
