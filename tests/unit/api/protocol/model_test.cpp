#include "api/protocol/model.hpp"

#include "api/protocol/model_sources.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ecslocal::api::protocol {

TEST(ServiceModel, EcsModelHasOperationsShapesAndErrors) {
  const auto& ecs = ServiceModel::get("ecs");
  EXPECT_EQ(ecs.target_prefix, "AmazonEC2ContainerServiceV20141113");
  EXPECT_EQ(ecs.protocol, "json");
  const Operation* run_task = ecs.find_operation("RunTask");
  ASSERT_NE(run_task, nullptr);
  ASSERT_NE(run_task->input, nullptr);
  EXPECT_EQ(run_task->input->name, "RunTaskRequest");
  EXPECT_NE(std::find(run_task->input->required.begin(), run_task->input->required.end(), "taskDefinition"),
            run_task->input->required.end());
  const Shape* launch_type = ecs.find_shape("LaunchType");
  ASSERT_NE(launch_type, nullptr);
  EXPECT_TRUE(launch_type->enum_values.count("FARGATE"));
  const Shape* server_exception = ecs.find_shape("ServerException");
  ASSERT_NE(server_exception, nullptr);
  EXPECT_TRUE(server_exception->exception);
  EXPECT_TRUE(server_exception->fault);
  EXPECT_EQ(ecs.find_operation("NoSuchOperation"), nullptr);
}

TEST(ServiceModel, EveryEmbeddedServiceParses) {
  for (const char* service : {"ecs", "logs", "ec2", "iam", "sts", "elbv2", "autoscaling"}) {
    const auto& model = ServiceModel::get(service);
    EXPECT_FALSE(model.operations().empty()) << service;
  }
}

// Start-up reads only the generated tables: metadata and operation names need no parsing; the
// document is parsed on the first shape or operation lookup.
TEST(ServiceModel, MetadataAndOperationNamesComeWithoutParsing) {
  for (const auto& source : model_sources()) {
    auto model = ServiceModel::from_source(source);
    EXPECT_FALSE(model->protocol.empty()) << source.service;
    EXPECT_FALSE(model->signing_name.empty()) << source.service;
    ASSERT_GT(source.operation_count, 0u) << source.service;
    EXPECT_TRUE(std::is_sorted(source.operations, source.operations + source.operation_count)) << source.service;
    EXPECT_TRUE(model->has_operation(source.operations[0])) << source.service;
    EXPECT_FALSE(model->has_operation("NoSuchOperation"));
    EXPECT_FALSE(model->loaded()) << source.service << ": parsed before any lookup";
    // The tables agree with the document.
    const auto& ops = model->operations();
    EXPECT_TRUE(model->loaded());
    ASSERT_EQ(ops.size(), source.operation_count) << source.service;
    for (std::size_t i = 0; i < source.operation_count; ++i)
      EXPECT_TRUE(ops.count(std::string(source.operations[i]))) << source.operations[i];
    auto eager = ServiceModel::parse(source.json);
    EXPECT_EQ(eager->protocol, model->protocol);
    EXPECT_EQ(eager->target_prefix, model->target_prefix);
    EXPECT_EQ(eager->signing_name, model->signing_name);
    EXPECT_EQ(eager->api_version, model->api_version);
    EXPECT_EQ(eager->json_version, model->json_version);
    EXPECT_EQ(eager->xml_namespace, model->xml_namespace);
  }
}

// The 2025 model (Debian 13's botocore) has what Terraform's AWS provider reads back.
TEST(ServiceModel, NewerModelMembersArePresentWhenBuiltFromIt) {
  const Shape* service = ServiceModel::get("ecs").find_shape("Service");
  ASSERT_NE(service, nullptr);
  if (!service->find_member("availabilityZoneRebalancing"))
    GTEST_SKIP() << "built from the awscli package's (early 2023) model";
  const Shape* rebalancing = ServiceModel::get("ecs").find_shape("AvailabilityZoneRebalancing");
  ASSERT_NE(rebalancing, nullptr);
  EXPECT_EQ(rebalancing->enum_order, (std::vector<std::string>{"ENABLED", "DISABLED"}));
}

}  // namespace ecslocal::api::protocol
