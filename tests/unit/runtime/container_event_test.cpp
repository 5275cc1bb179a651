#include "runtime/docker/container_event.hpp"

#include <gtest/gtest.h>

namespace ecslocal::runtime {
namespace {

// Recorded from Docker 20.10's /events (a labelled container: run, health check, kill, rm).
const char* start_line =
    R"({"status":"start","id":"fa4792667bb5018f11c4345dd10d84c6f0feb2d52df25489493c7d6ef4d8a542","from":"ecslocal-test/busybox:latest","Type":"container","Action":"start","Actor":{"ID":"fa4792667bb5018f11c4345dd10d84c6f0feb2d52df25489493c7d6ef4d8a542","Attributes":{"ecslocal.managed":"true","ecslocal.test":"rec","image":"ecslocal-test/busybox:latest","name":"cranky_dirac"}},"scope":"local","time":1795355135,"timeNano":1795355135836089251})";
const char* health_line =
    R"({"status":"health_status: healthy","id":"fa4792667bb5","from":"ecslocal-test/busybox:latest","Type":"container","Action":"health_status: healthy","Actor":{"ID":"fa4792667bb5","Attributes":{"ecslocal.managed":"true","image":"ecslocal-test/busybox:latest","name":"cranky_dirac"}},"scope":"local","time":1795355136,"timeNano":1795355136969764109})";
const char* kill_line =
    R"({"status":"kill","id":"5c603e9c1eb5","from":"ecslocal-test/busybox:latest","Type":"container","Action":"kill","Actor":{"ID":"5c603e9c1eb5","Attributes":{"ecslocal.test":"rec2","image":"ecslocal-test/busybox:latest","name":"tender_dijkstra","signal":"9"}},"scope":"local","time":1795355162,"timeNano":1795355162073462059})";
const char* die_line =
    R"({"status":"die","id":"5c603e9c1eb5","from":"ecslocal-test/busybox:latest","Type":"container","Action":"die","Actor":{"ID":"5c603e9c1eb5","Attributes":{"ecslocal.test":"rec2","exitCode":"137","image":"ecslocal-test/busybox:latest","name":"tender_dijkstra"}},"scope":"local","time":1795355162,"timeNano":1795355162129820571})";
const char* exec_line =
    R"({"status":"exec_create: /bin/sh -c true","id":"fa47","Type":"container","Action":"exec_create: /bin/sh -c true","Actor":{"ID":"fa47","Attributes":{"execID":"53fe","image":"i","name":"n"}},"time":1795355136,"timeNano":1795355136832077730})";

TEST(ContainerEvent, ParsesStart) {
  auto event = parse_container_event(start_line);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->id, "fa4792667bb5018f11c4345dd10d84c6f0feb2d52df25489493c7d6ef4d8a542");
  EXPECT_EQ(event->action, ContainerAction::start);
  EXPECT_EQ(event->image, "ecslocal-test/busybox:latest");
  EXPECT_EQ(event->name, "cranky_dirac");
  EXPECT_EQ(event->time_nano, 1795355135836089251LL);
  EXPECT_FALSE(event->exit_code);
  Labels want{{"ecslocal.managed", "true"}, {"ecslocal.test", "rec"}};
  EXPECT_EQ(event->labels, want);  // image and name are Docker's attributes, not labels
}

TEST(ContainerEvent, ParsesHealthKillAndDie) {
  auto health = parse_container_event(health_line);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->action, ContainerAction::health_status);
  EXPECT_EQ(health->health_status, "healthy");
  EXPECT_EQ(health->raw_action, "health_status: healthy");
  auto kill = parse_container_event(kill_line);
  ASSERT_TRUE(kill);
  EXPECT_EQ(kill->action, ContainerAction::kill);
  EXPECT_EQ(kill->signal, "9");
  EXPECT_EQ(kill->labels.count("signal"), 0u);
  auto die = parse_container_event(die_line);
  ASSERT_TRUE(die);
  EXPECT_EQ(die->action, ContainerAction::die);
  EXPECT_EQ(die->exit_code, 137);
  EXPECT_EQ(die->labels, Labels({{"ecslocal.test", "rec2"}}));
  auto exec = parse_container_event(exec_line);
  ASSERT_TRUE(exec);
  EXPECT_EQ(exec->action, ContainerAction::other);
  EXPECT_TRUE(exec->labels.empty());
}

TEST(ContainerEvent, SkipsWhatIsNotAContainerEvent) {
  EXPECT_FALSE(parse_container_event(R"({"Type":"network","Action":"connect","Actor":{"ID":"n1"}})"));
  EXPECT_FALSE(parse_container_event(R"({"Type":"container","Action":"start","Actor":{}})"));
  EXPECT_FALSE(parse_container_event("{not json"));
  EXPECT_FALSE(parse_container_event("[]"));
  EXPECT_FALSE(parse_container_event(""));
}

TEST(ContainerEvent, OldStyleFieldsAreEnough) {
  auto event = parse_container_event(R"({"status":"destroy","id":"abc","time":12})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->id, "abc");
  EXPECT_EQ(event->action, ContainerAction::destroy);
  EXPECT_EQ(event->time_nano, 12000000000LL);
}

TEST(ContainerEvent, ActionNames) {
  EXPECT_STREQ(to_string(ContainerAction::oom), "oom");
  EXPECT_STREQ(to_string(ContainerAction::health_status), "health_status");
  EXPECT_STREQ(to_string(ContainerAction::other), "other");
}

}  // namespace
}  // namespace ecslocal::runtime
