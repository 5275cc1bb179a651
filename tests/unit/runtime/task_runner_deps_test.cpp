// dependsOn as pure rules: graph validation, each condition's readiness, the shutdown waves.
#include "runtime/task/task_runner_deps.hpp"

#include <gtest/gtest.h>

namespace ecslocal::runtime::task_deps {
namespace {

TaskContainerSpec named(const std::string& name, std::vector<ContainerDependency> depends_on = {}) {
  TaskContainerSpec c;
  c.name = name;
  c.depends_on = std::move(depends_on);
  return c;
}

Readiness check(DependencyCondition condition, DependencyView view, std::string* why_out = nullptr) {
  std::string why;
  auto readiness = evaluate(ContainerDependency{"dep", condition}, view, why);
  if (why_out) *why_out = why;
  return readiness;
}

TEST(TaskDeps, ValidationFindsUnknownNamesSelfReferencesAndCycles) {
  EXPECT_FALSE(validate({named("a"), named("b", {{"a", DependencyCondition::Start}})}));
  EXPECT_EQ(*validate({named("a", {{"zz", DependencyCondition::Start}})}),
            "container a depends on unknown container zz");
  EXPECT_EQ(*validate({named("a", {{"a", DependencyCondition::Start}})}), "container a depends on itself");
  auto cycle = validate({named("a", {{"c", DependencyCondition::Start}}), named("b", {{"a", DependencyCondition::Start}}),
                         named("c", {{"b", DependencyCondition::Start}})});
  ASSERT_TRUE(cycle);
  EXPECT_NE(cycle->find("dependency cycle"), std::string::npos);
}

TEST(TaskDeps, StartIsMetOnceTheDependencyRanEvenIfItExited) {
  EXPECT_EQ(check(DependencyCondition::Start, {}), Readiness::waiting);
  EXPECT_EQ(check(DependencyCondition::Start, {true, false, 0, "", false}), Readiness::satisfied);
  EXPECT_EQ(check(DependencyCondition::Start, {true, true, 1, "", false}), Readiness::satisfied);
}

TEST(TaskDeps, CompleteAndSuccessWaitForTheExit) {
  EXPECT_EQ(check(DependencyCondition::Complete, {true, false, 0, "", false}), Readiness::waiting);
  EXPECT_EQ(check(DependencyCondition::Complete, {true, true, 5, "", false}), Readiness::satisfied);
  EXPECT_EQ(check(DependencyCondition::Success, {true, false, 0, "", false}), Readiness::waiting);
  EXPECT_EQ(check(DependencyCondition::Success, {true, true, 0, "", false}), Readiness::satisfied);
  std::string why;
  EXPECT_EQ(check(DependencyCondition::Success, {true, true, 2, "", false}, &why), Readiness::impossible);
  EXPECT_EQ(why, "dependency dep exited with code 2");
}

TEST(TaskDeps, HealthyNeedsACheckAndFailsOnUnhealthyOrExit) {
  std::string why;
  EXPECT_EQ(check(DependencyCondition::Healthy, {true, false, 0, "healthy", false}, &why), Readiness::impossible);
  EXPECT_EQ(why, "dependency dep has no health check, so it can never be HEALTHY");
  EXPECT_EQ(check(DependencyCondition::Healthy, {true, false, 0, "", true}), Readiness::waiting);
  EXPECT_EQ(check(DependencyCondition::Healthy, {true, false, 0, "starting", true}), Readiness::waiting);
  EXPECT_EQ(check(DependencyCondition::Healthy, {true, false, 0, "healthy", true}), Readiness::satisfied);
  EXPECT_EQ(check(DependencyCondition::Healthy, {true, false, 0, "unhealthy", true}, &why), Readiness::impossible);
  EXPECT_EQ(why, "dependency dep is UNHEALTHY");
  EXPECT_EQ(check(DependencyCondition::Healthy, {true, true, 1, "starting", true}, &why), Readiness::impossible);
  EXPECT_EQ(why, "dependency dep exited with code 1 before it was HEALTHY");
}

TEST(TaskDeps, StopWavesRunDependentsFirstAndIndependentsTogether) {
  // 0 cache; 1 db -> cache; 2 app -> db; 3 side; 4 log <- app and side depend on it.
  std::vector<TaskContainerSpec> containers = {
      named("cache"), named("db", {{"cache", DependencyCondition::Start}}),
      named("app", {{"db", DependencyCondition::Healthy}, {"log", DependencyCondition::Start}}), named("side", {{"log", DependencyCondition::Start}}),
      named("log")};
  auto waves = stop_waves(containers);
  ASSERT_EQ(waves.size(), 3u);
  EXPECT_EQ(waves[0], (std::vector<std::size_t>{2, 3}));  // app and side: nothing depends on them
  EXPECT_EQ(waves[1], (std::vector<std::size_t>{1, 4}));  // db and log
  EXPECT_EQ(waves[2], (std::vector<std::size_t>{0}));     // cache
}

TEST(TaskDeps, StopWavesCoverEveryContainerEvenOnACycle) {
  auto waves = stop_waves({named("a", {{"b", DependencyCondition::Start}}), named("b", {{"a", DependencyCondition::Start}}),
                           named("c")});
  std::size_t total = 0;
  for (const auto& wave : waves) total += wave.size();
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(waves[0], std::vector<std::size_t>{2});
  EXPECT_EQ(waves[1], (std::vector<std::size_t>{0, 1}));
}

TEST(TaskDeps, ConditionNames) {
  EXPECT_STREQ(to_string(DependencyCondition::Start), "START");
  EXPECT_STREQ(to_string(DependencyCondition::Complete), "COMPLETE");
  EXPECT_STREQ(to_string(DependencyCondition::Success), "SUCCESS");
  EXPECT_STREQ(to_string(DependencyCondition::Healthy), "HEALTHY");
}

}  // namespace
}  // namespace ecslocal::runtime::task_deps
