#pragma once
// Calls EC2 handlers the way the query protocol layer will: input in the JSON-by-member-name form
// (checked against the EC2 model first), output shaped strictly against the model (a member
// outside it fails the test), AwsError turned into a result. The EC2 provider shares its VPC
// state with the ECS provider of an ApiHarness, so ECS tasks and EC2 calls meet.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/ec2/provider.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/protocol/shape_walker.hpp"
#include "tests/fakes/api_harness.hpp"
#include "tests/fakes/fake_task_runtime.hpp"

namespace ecslocal::api::ec2 {

struct Ec2Result {
  bool ok = false;
  Json body;         // output on success
  std::string code;  // error code otherwise
  std::string message;
};

class Ec2Test : public ::testing::Test {
 protected:
  Ec2Test()
      : networks(std::make_shared<vpc::VpcRegistry>(std::make_shared<IdSource>(11))),
        h(42, nullptr, networks),
        ec2(std::make_shared<Ec2Provider>(networks)) {
    ec2->set_task_runtime(&runtime);
    h.ecs_provider().set_task_runtime(&runtime);
  }

  Ec2Result call(const std::string& operation, Json input = Json::object(), const std::string& region = "us-east-1",
                 const std::string& account = "000000000000") {
    const auto& model = ec2->model();
    const protocol::Operation* op = model.find_operation(operation);
    EXPECT_NE(op, nullptr) << operation;
    RequestContext ctx{account, region, "", "test-request", Clock::now(), ""};
    Ec2Result r;
    try {
      if (op && op->input) {
        protocol::InputRules rules;  // as the gateway checks ec2 requests
        rules.validation_error_code = ec2->validation_error_code();
        rules.missing_member_code = "MissingParameter";
        protocol::check_input(*op->input, input, rules);
      }
      auto it = ec2->operations().find(operation);
      if (it == ec2->operations().end()) {
        r.code = "NotImplemented";
        return r;
      }
      r.body = it->second(ctx, input);
      if (r.body.is_null()) r.body = Json::object();
      if (op && op->output) protocol::shape_output(*op->output, r.body, /*strict=*/true);
      r.ok = true;
    } catch (const AwsError& e) {
      r.code = e.code;
      r.message = e.what();
    }
    return r;
  }

  // Checked to succeed.
  Json ok(const std::string& operation, Json input = Json::object()) {
    auto r = call(operation, std::move(input));
    EXPECT_TRUE(r.ok) << operation << ": " << r.code << " " << r.message;
    return r.body;
  }

  std::string default_vpc() { return networks->at("000000000000", "us-east-1").default_vpc_id; }
  std::string default_subnet(size_t zone) { return vpc::make_default_vpc("000000000000", "us-east-1").subnets.at(zone).id; }

  std::shared_ptr<vpc::VpcRegistry> networks;
  testing::ApiHarness h;
  std::shared_ptr<Ec2Provider> ec2;
  testing::FakeTaskRuntime runtime;
};

inline Json filter(const std::string& name, std::vector<std::string> values) {
  return Json::array({{{"Name", name}, {"Values", values}}});
}

}  // namespace ecslocal::api::ec2
