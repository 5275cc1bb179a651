#include "api/protocol/model.hpp"

#include <gtest/gtest.h>

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

}  // namespace ecslocal::api::protocol
