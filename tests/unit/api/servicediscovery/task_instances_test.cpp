// Cloud Map as ECS sees it: the TaskObserver registers service tasks as instances with the
// attributes ECS writes (when they run, or once healthy), follows their health with custom
// health, deregisters them on the way out and records the operations; the ServiceDiscovery port.
#include "api/ports/ports.hpp"
#include "tests/unit/api/servicediscovery/discovery_fixture.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

class TaskInstancesTest : public DiscoveryTest {
 protected:
  TaskInfo task(const std::string& registry_arn, int port = 0) {
    TaskInfo t;
    t.account_id = kAccount;
    t.region = kRegion;
    t.task_id = "0123456789abcdef0123456789abcdef";
    t.task_arn = "arn:aws:ecs:us-east-1:000000000000:task/prod/" + t.task_id;
    t.cluster_name = "prod";
    t.service_name = "web";
    t.family = "web-td";
    t.availability_zone = "us-east-1a";
    t.private_ipv4 = "172.31.0.20";
    t.last_status = "RUNNING";
    t.health_status = "UNKNOWN";
    t.registries.push_back({registry_arn, port, false});
    t.at = Clock::time_point(std::chrono::seconds(1'700'000'500));
    return t;
  }
  Json instances(const std::string& service_id) {
    return h.ok("ListInstances", {{"ServiceId", service_id}})["Instances"];
  }
  Json health(const std::string& service_id) {
    return h.ok("GetInstancesHealthStatus", {{"ServiceId", service_id}})["Status"];
  }
};

TEST_F(TaskInstancesTest, RunningTaskBecomesAnInstanceWithEcsAttributesAndLeavesWhenStopping) {
  const std::string ns = private_namespace("corp.local");
  auto s = service("web", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 10}}, {{"Type", "SRV"}, {"TTL", 10}}}}}}});
  TaskInfo t = task(s["Arn"], 8080);
  provider->on_task(TaskChange::Running, t);
  EXPECT_EQ(instances(s["Id"]), (Json{{{"Id", t.task_id},
                                       {"Attributes",
                                        {{"AWS_INSTANCE_IPV4", "172.31.0.20"},
                                         {"AWS_INSTANCE_PORT", "8080"},
                                         {"AVAILABILITY_ZONE", "us-east-1a"},
                                         {"REGION", "us-east-1"},
                                         {"ECS_CLUSTER_NAME", "prod"},
                                         {"ECS_SERVICE_NAME", "web"},
                                         {"ECS_TASK_DEFINITION_FAMILY", "web-td"}}}}}));
  // The registration is an operation like the API's, at the task's time.
  auto ops = h.ok("ListOperations", {{"Filters", {{{"Name", "TYPE"}, {"Values", {"REGISTER_INSTANCE"}}}}}})["Operations"];
  ASSERT_EQ(ops.size(), 1u);
  auto op = h.ok("GetOperation", {{"OperationId", ops[0]["Id"]}})["Operation"];
  EXPECT_EQ(op["Targets"], (Json{{"INSTANCE", t.task_id}, {"SERVICE", s["Id"]}}));
  EXPECT_DOUBLE_EQ(op["CreateDate"].get<double>(), 1'700'000'500.0);
  // DiscoverInstances sees it (no health checking: UNKNOWN).
  auto found = h.ok("DiscoverInstances", {{"NamespaceName", "corp.local"}, {"ServiceName", "web"}})["Instances"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["HealthStatus"], "UNKNOWN");
  // Running told twice registers once.
  provider->on_task(TaskChange::Running, t);
  EXPECT_EQ(h.ok("ListOperations")["Operations"].size(), 2u);  // CREATE_NAMESPACE + one REGISTER_INSTANCE

  provider->on_task(TaskChange::Stopping, t);
  EXPECT_TRUE(instances(s["Id"]).empty());
  provider->on_task(TaskChange::Stopped, t);  // nothing left to deregister: no second operation
  auto dereg = h.ok("ListOperations", {{"Filters", {{{"Name", "TYPE"}, {"Values", {"DEREGISTER_INSTANCE"}}}}}})["Operations"];
  EXPECT_EQ(dereg.size(), 1u);
  // The service can go now.
  h.ok("DeleteService", {{"Id", s["Id"]}});
}

TEST_F(TaskInstancesTest, StoppedAloneDeregistersToo) {
  auto s = service("web", http_namespace("shop"));
  TaskInfo t = task(s["Arn"]);
  provider->on_task(TaskChange::Running, t);
  ASSERT_EQ(instances(s["Id"]).size(), 1u);
  EXPECT_FALSE(instances(s["Id"])[0]["Attributes"].contains("AWS_INSTANCE_PORT"));  // port 0: none
  provider->on_task(TaskChange::Stopped, t);
  EXPECT_TRUE(instances(s["Id"]).empty());
}

TEST_F(TaskInstancesTest, HealthCheckedTaskRegistersOnceHealthy) {
  auto s = service("web", http_namespace("shop"));
  TaskInfo t = task(s["Arn"]);
  t.health_checked = true;
  provider->on_task(TaskChange::Running, t);  // health UNKNOWN: not yet
  EXPECT_TRUE(instances(s["Id"]).empty());
  t.health_status = "UNHEALTHY";
  provider->on_task(TaskChange::HealthChanged, t);
  EXPECT_TRUE(instances(s["Id"]).empty());
  t.health_status = "HEALTHY";
  provider->on_task(TaskChange::HealthChanged, t);
  ASSERT_EQ(instances(s["Id"]).size(), 1u);
  EXPECT_EQ(instances(s["Id"])[0]["Id"], t.task_id);
  // Without custom health a later UNHEALTHY keeps the instance (ECS replaces the task instead).
  t.health_status = "UNHEALTHY";
  provider->on_task(TaskChange::HealthChanged, t);
  EXPECT_EQ(health(s["Id"]), (Json{{t.task_id, "UNKNOWN"}}));
}

TEST_F(TaskInstancesTest, CustomHealthFollowsTheTask) {
  auto s = service("web", http_namespace("shop"), {{"HealthCheckCustomConfig", Json::object()}});
  TaskInfo t = task(s["Arn"]);
  t.health_checked = true;
  t.health_status = "HEALTHY";
  provider->on_task(TaskChange::Running, t);
  auto listed = instances(s["Id"]);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["Attributes"]["AWS_INIT_HEALTH_STATUS"], "UNHEALTHY");  // as ECS registers
  EXPECT_EQ(health(s["Id"]), (Json{{t.task_id, "HEALTHY"}}));                 // then reports the task healthy
  t.health_status = "UNHEALTHY";
  provider->on_task(TaskChange::HealthChanged, t);
  EXPECT_EQ(health(s["Id"]), (Json{{t.task_id, "UNHEALTHY"}}));
  EXPECT_TRUE(h.ok("DiscoverInstances", {{"NamespaceName", "shop"}, {"ServiceName", "web"}})["Instances"].empty());
  EXPECT_EQ(provider->instances(kAccount, kRegion, s["Arn"]).at(0).healthy, false);
  t.health_status = "HEALTHY";
  provider->on_task(TaskChange::HealthChanged, t);
  EXPECT_EQ(health(s["Id"]), (Json{{t.task_id, "HEALTHY"}}));
  EXPECT_EQ(provider->instances(kAccount, kRegion, s["Id"]).at(0).healthy, true);
}

TEST_F(TaskInstancesTest, CustomHealthTaskWithoutChecksIsHealthyAtRunning) {
  auto s = service("web", http_namespace("shop"), {{"HealthCheckCustomConfig", Json::object()}});
  TaskInfo t = task(s["Arn"]);
  provider->on_task(TaskChange::Running, t);
  EXPECT_EQ(health(s["Id"]), (Json{{t.task_id, "HEALTHY"}}));
}

TEST_F(TaskInstancesTest, UnknownRegistriesAndTasksWithoutAnAddressAreSkipped) {
  auto s = service("web", private_namespace("corp.local"), {{"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 10}}}}}}});
  TaskInfo t = task(s["Arn"]);
  t.private_ipv4.clear();
  provider->on_task(TaskChange::Running, t);  // an A record needs the address
  EXPECT_TRUE(instances(s["Id"]).empty());
  TaskInfo other = task("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-unknown000000000");
  provider->on_task(TaskChange::Running, other);  // no such service: nothing happens
  TaskInfo elsewhere = task(s["Arn"]);
  elsewhere.region = "eu-west-1";
  provider->on_task(TaskChange::Running, elsewhere);
  EXPECT_TRUE(instances(s["Id"]).empty());
}

TEST_F(TaskInstancesTest, ServiceDiscoveryPort) {
  Ports ports;
  provider->provide(ports);
  ASSERT_EQ(ports.find<ServiceDiscovery>(), provider.get());
  ASSERT_EQ(ports.all<TaskObserver>().size(), 1u);
  ServiceDiscovery& sd = *ports.find<ServiceDiscovery>();

  const std::string ns = private_namespace("corp.local");
  auto by_name = sd.find_namespace(kAccount, kRegion, "corp.local");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, ns);
  EXPECT_EQ(by_name->type, "DNS_PRIVATE");
  EXPECT_EQ(by_name->vpc_id, default_vpc());
  EXPECT_EQ(sd.find_namespace(kAccount, kRegion, by_name->arn)->id, ns);
  EXPECT_EQ(sd.find_namespace(kAccount, kRegion, ns)->name, "corp.local");
  EXPECT_FALSE(sd.find_namespace(kAccount, kRegion, "nope"));
  EXPECT_FALSE(sd.find_namespace(kAccount, "eu-west-1", "corp.local"));

  auto http = sd.ensure_http_namespace(kAccount, kRegion, "sc");
  EXPECT_EQ(http.type, "HTTP");
  EXPECT_EQ(sd.ensure_http_namespace(kAccount, kRegion, "sc").id, http.id);  // the same one again
  EXPECT_EQ(h.ok("GetNamespace", {{"Id", http.id}})["Namespace"]["Name"], "sc");
  EXPECT_EQ(sd.ensure_http_namespace(kAccount, kRegion, "corp.local").id, ns);  // any type of that name

  auto made = sd.ensure_service(kAccount, kRegion, http.id, "catalog");
  EXPECT_EQ(made.name, "catalog");
  EXPECT_EQ(made.name_space.id, http.id);
  EXPECT_FALSE(made.dns_a);
  EXPECT_EQ(sd.ensure_service(kAccount, kRegion, http.arn, "catalog").id, made.id);
  EXPECT_EQ(h.ok("GetService", {{"Id", made.id}})["Service"]["Type"], "HTTP");
  EXPECT_TRUE(sd.ensure_service(kAccount, kRegion, "ns-unknown", "x").id.empty());

  auto dns = service("api", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "SRV"}, {"TTL", 10}}, {{"Type", "A"}, {"TTL", 10}}}}}},
                                 {"HealthCheckCustomConfig", Json::object()}});
  auto found = sd.find_service(kAccount, kRegion, dns["Arn"]);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->dns_a);
  EXPECT_TRUE(found->dns_srv);
  EXPECT_TRUE(found->custom_health);
  EXPECT_EQ(found->name_space.name, "corp.local");
  EXPECT_EQ(sd.find_service(kAccount, kRegion, dns["Id"])->arn, dns["Arn"]);
  EXPECT_FALSE(sd.find_service(kAccount, kRegion, "srv-none"));

  register_instance(dns["Id"], "b", {{"AWS_INSTANCE_IPV4", "10.0.0.2"}, {"AWS_INSTANCE_PORT", "80"}});
  register_instance(dns["Id"], "a", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}, {"AWS_INSTANCE_PORT", "80"},
                                     {"AWS_INIT_HEALTH_STATUS", "UNHEALTHY"}});
  auto listed = sd.instances(kAccount, kRegion, dns["Arn"]);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, "b");  // registration order
  EXPECT_TRUE(listed[0].healthy);
  EXPECT_EQ(listed[1].attributes.at("AWS_INSTANCE_IPV4"), "10.0.0.1");
  EXPECT_FALSE(listed[1].healthy);
  EXPECT_TRUE(sd.instances(kAccount, kRegion, "srv-none").empty());
}

TEST_F(TaskInstancesTest, StateViewShowsNamespacesServicesAndInstances) {
  auto s = service("web", http_namespace("shop"));
  provider->on_task(TaskChange::Running, task(s["Arn"]));
  Json view = provider->state_view({});
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0]["account"], kAccount);
  EXPECT_EQ(view[0]["namespaces"][0]["Name"], "shop");
  EXPECT_EQ(view[0]["services"][0]["Instances"][0]["Id"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(view[0]["services"][0]["Instances"][0]["HealthStatus"], "UNKNOWN");
  EXPECT_TRUE(provider->state_view({"111111111111", ""}).empty());
}

}  // namespace
}  // namespace ecslocal::api::servicediscovery
