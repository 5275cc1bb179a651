#pragma once
// IAM and STS behind a real Gateway (strict shapes), called with query-protocol form bodies the
// way botocore sends them. Replies are XML text; tests look for elements in them.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/gateway.hpp"
#include "api/iam/provider.hpp"
#include "api/sts/provider.hpp"
#include "tests/fakes/gateway_calls.hpp"

namespace ecslocal::testing {

struct QueryReply {
  int status = 0;
  std::string body, code;
  bool has(const std::string& part) const { return body.find(part) != std::string::npos; }
  // The text of the first <name> element, or "" when there is none.
  std::string text(const std::string& name) const {
    const auto open = body.find("<" + name + ">");
    if (open == std::string::npos) return "";
    const auto start = open + name.size() + 2;
    return body.substr(start, body.find("</" + name + ">", start) - start);
  }
};

class QueryHarness {
 public:
  QueryHarness() : gateway_(strict_gateway_options()) {
    iam_ = std::make_shared<api::iam::IamProvider>(std::make_shared<api::IdSource>(7));
    sts_ = std::make_shared<api::sts::StsProvider>(std::make_shared<api::IdSource>(8));
    gateway_.add(iam_);
    gateway_.add(sts_);
    gateway_.connect(ports_);  // STS finds IAM's roles, the gateway STS's credentials
  }

  QueryReply call(const std::string& service, const std::string& action,
                  const std::vector<std::pair<std::string, std::string>>& params = {}, const std::string& access_key = "test") {
    auto r = form_call(gateway_, action, "", params, {service, access_key, ""});
    return {r.status, r.body, r.error_type};
  }
  QueryReply iam(const std::string& action, const std::vector<std::pair<std::string, std::string>>& params = {},
                 const std::string& access_key = "test") {
    return call("iam", action, params, access_key);
  }
  QueryReply sts(const std::string& action, const std::vector<std::pair<std::string, std::string>>& params = {},
                 const std::string& access_key = "test") {
    return call("sts", action, params, access_key);
  }
  api::Gateway& gateway() { return gateway_; }
  api::iam::IamProvider& iam_provider() { return *iam_; }
  api::sts::StsProvider& sts_provider() { return *sts_; }

 private:
  api::Ports ports_;
  api::Gateway gateway_;
  std::shared_ptr<api::iam::IamProvider> iam_;
  std::shared_ptr<api::sts::StsProvider> sts_;
};

inline const char* kTrustPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
// An identity policy document: read any S3 object.
inline const char* kReadPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
inline const char* kExecutionPolicyArn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

}  // namespace ecslocal::testing
