#include "api/protocol/shape_walker.hpp"

#include <gtest/gtest.h>

#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::protocol {
namespace {

using nlohmann::json;

const Shape& input_of(const char* op) { return *ServiceModel::get("ecs").find_operation(op)->input; }
const Shape& output_of(const char* op) { return *ServiceModel::get("ecs").find_operation(op)->output; }

InputRules ecs_rules() {
  InputRules r;
  r.validation_error_code = "InvalidParameterException";
  return r;
}

AwsError input_error(const char* op, json value) {
  try {
    check_input(input_of(op), value, ecs_rules());
  } catch (const AwsError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << value.dump();
  return AwsError("none", "none");
}

TEST(CheckInput, AcceptsAWellFormedRequestAndDropsExplicitNulls) {
  json v = {{"taskDefinition", "web:1"}, {"count", 2}, {"cluster", nullptr}, {"someNewerMember", 5}};
  check_input(input_of("RunTask"), v, ecs_rules());
  EXPECT_FALSE(v.contains("cluster"));
  EXPECT_FALSE(v.contains("someNewerMember"));  // tolerated (no error), not kept
  EXPECT_EQ(v["count"], 2);
}

TEST(CheckInput, WrongScalarTypesAreSerializationExceptions) {
  auto e = input_error("RunTask", {{"taskDefinition", 5}});
  EXPECT_EQ(e.code, "SerializationException");
  EXPECT_STREQ(e.what(), "NUMBER_VALUE can not be converted to a String");
  e = input_error("RunTask", {{"taskDefinition", "x"}, {"count", "2"}});
  EXPECT_EQ(e.code, "SerializationException");
  EXPECT_STREQ(e.what(), "STRING_VALUE can not be converted to an Integer");
  e = input_error("RunTask", {{"taskDefinition", "x"}, {"enableECSManagedTags", "yes"}});
  EXPECT_STREQ(e.what(), "STRING_VALUE can not be converted to a Boolean");
  e = input_error("RunTask", {{"taskDefinition", true}});
  EXPECT_STREQ(e.what(), "TRUE_VALUE can not be converted to a String");
}

TEST(CheckInput, WrongContainerTypesAreSerializationExceptions) {
  EXPECT_STREQ(input_error("RunTask", {{"taskDefinition", "x"}, {"tags", "a"}}).what(), "Expected list or null");
  EXPECT_STREQ(input_error("RunTask", {{"taskDefinition", "x"}, {"tags", {{"k", 1}}}}).what(),
               "Start of structure or map found where not expected.");
  EXPECT_STREQ(input_error("RunTask", {{"taskDefinition", {1}}}).what(), "Start of list found where not expected");
  EXPECT_STREQ(input_error("RunTask", {{"taskDefinition", "x"}, {"overrides", 3}}).what(), "Expected null");
}

TEST(CheckInput, MissingRequiredMemberNamesItsPath) {
  auto e = input_error("RunTask", json::object());
  EXPECT_EQ(e.code, "InvalidParameterException");
  EXPECT_STREQ(e.what(),
               "1 validation error detected: Value null at 'taskDefinition' failed to satisfy constraint: Member must not be null");
  e = input_error("RegisterTaskDefinition", {{"family", "f"}});
  EXPECT_EQ(e.code, "InvalidParameterException");
  EXPECT_NE(std::string(e.what()).find("'containerDefinitions'"), std::string::npos);
  e = input_error("RunTask", {{"taskDefinition", "x"}, {"capacityProviderStrategy", json::array({{{"weight", 1}}})}});
  EXPECT_STREQ(e.what(),
               "1 validation error detected: Value null at 'capacityProviderStrategy.1.member.capacityProvider' failed to "
               "satisfy constraint: Member must not be null");
}

TEST(CheckInput, EnumValuesOutsideTheModelAreRefused) {
  auto e = input_error("RunTask", {{"taskDefinition", "x"}, {"launchType", "FOO"}});
  EXPECT_EQ(e.code, "InvalidParameterException");
  EXPECT_NE(std::string(e.what()).find("[EC2, FARGATE, EXTERNAL]"), std::string::npos);
}

TEST(CheckInput, LengthConstraintsOfTheModelApply) {
  // Tag keys are 1..128 characters in the model.
  auto e = input_error("TagResource", {{"resourceArn", "a"}, {"tags", {{{"key", ""}, {"value", "v"}}}}});
  EXPECT_EQ(e.code, "InvalidParameterException");
  EXPECT_NE(std::string(e.what()).find("length greater than or equal to 1"), std::string::npos);
}

TEST(ShapeOutput, DropsNullsAndUnknownMembersWhenLenient) {
  json v = {{"clusters", {{{"clusterName", "a"}, {"status", nullptr}, {"bogus", 1}}}}, {"failures", json::array()}};
  shape_output(output_of("DescribeClusters"), v, false);
  EXPECT_EQ(v["clusters"][0], json({{"clusterName", "a"}}));
}

TEST(ShapeOutput, StrictModeRefusesUnknownMembersWrongTypesAndEnums) {
  json unknown = {{"clusters", {{{"clusterName", "a"}, {"bogus", 1}}}}};
  EXPECT_THROW(shape_output(output_of("DescribeClusters"), unknown, true), std::logic_error);
  json wrong_type = {{"clusters", {{{"runningTasksCount", "1"}}}}};
  EXPECT_THROW(shape_output(output_of("DescribeClusters"), wrong_type, true), std::logic_error);
  json bad_enum = {{"failures", {{{"arn", "a"}, {"reason", "MISSING"}}}}, {"tasks", {{{"launchType", "MOON"}}}}};
  EXPECT_THROW(shape_output(output_of("DescribeTasks"), bad_enum, true), std::logic_error);
  json fine = {{"clusters", {{{"clusterName", "a"}, {"runningTasksCount", 1}}}}};
  EXPECT_NO_THROW(shape_output(output_of("DescribeClusters"), fine, true));
}

}  // namespace
}  // namespace ecslocal::api::protocol
