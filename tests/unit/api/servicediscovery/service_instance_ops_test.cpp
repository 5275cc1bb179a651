// Cloud Map services and instances through the gateway: CreateService in HTTP and DNS namespaces
// (Type, DnsConfig, health configs, idempotency, ServiceAlreadyExists), list/update/delete,
// service attributes, RegisterInstance as an upsert with attribute rules, health,
// DiscoverInstances' filters and health statuses, paging, snapshots.
#include <regex>

#include "tests/unit/api/servicediscovery/discovery_fixture.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

TEST_F(DiscoveryTest, ServiceInAnHttpNamespaceIsOfTypeHttp) {
  const std::string ns = http_namespace("shop");
  auto s = service("cart", ns, {{"Description", "carts"}, {"CreatorRequestId", "c1"}});
  const std::string id = s["Id"];
  EXPECT_TRUE(std::regex_match(id, std::regex("srv-[a-z0-9]{16}"))) << id;
  EXPECT_EQ(s, (Json{{"Id", id},
                     {"Arn", "arn:aws:servicediscovery:us-east-1:000000000000:service/" + id},
                     {"Name", "cart"},
                     {"NamespaceId", ns},
                     {"Description", "carts"},
                     {"InstanceCount", 0},
                     {"Type", "HTTP"},
                     {"CreateDate", 1'700'000'000.0},
                     {"CreatorRequestId", "c1"}}));
  EXPECT_EQ(h.ok("GetService", {{"Id", id}})["Service"], s);
  // The same CreatorRequestId returns the service; another is ServiceAlreadyExists.
  EXPECT_EQ(h.ok("CreateService", {{"Name", "cart"}, {"NamespaceId", ns}, {"CreatorRequestId", "c1"}})["Service"]["Id"], id);
  auto dup = h.call("CreateService", {{"Name", "cart"}, {"NamespaceId", ns}, {"CreatorRequestId", "c2"}});
  EXPECT_EQ(dup.error_type(), "ServiceAlreadyExists");
  EXPECT_EQ(dup.message(), "Service cart already exists in namespace " + ns + ".");
  EXPECT_EQ(dup.body["ServiceId"], id);
  EXPECT_EQ(dup.body["CreatorRequestId"], "c1");
  // DNS records make no sense in an HTTP namespace.
  auto dns = h.call("CreateService", {{"Name", "dns"}, {"NamespaceId", ns},
                                      {"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 10}}}}}}});
  EXPECT_EQ(dns.error_type(), "InvalidInput");
  EXPECT_EQ(dns.message(), "DnsConfig is not supported for services in HTTP namespace " + ns + ".");
}

TEST_F(DiscoveryTest, ServiceWithDnsConfigIsDnsHttp) {
  const std::string ns = private_namespace("corp.local");
  auto s = service("api", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 60}}, {{"Type", "SRV"}, {"TTL", 60}}}}}},
                               {"HealthCheckCustomConfig", {{"FailureThreshold", 1}}}});
  EXPECT_EQ(s["Type"], "DNS_HTTP");
  EXPECT_EQ(s["DnsConfig"], (Json{{"NamespaceId", ns},
                                  {"RoutingPolicy", "MULTIVALUE"},
                                  {"DnsRecords", {{{"Type", "A"}, {"TTL", 60}}, {{"Type", "SRV"}, {"TTL", 60}}}}}));
  EXPECT_EQ(s["HealthCheckCustomConfig"], (Json{{"FailureThreshold", 1}}));
  // The deprecated DnsConfig.NamespaceId still names the namespace.
  auto old = h.ok("CreateService", {{"Name", "old"}, {"DnsConfig", {{"NamespaceId", ns}, {"DnsRecords", {{{"Type", "A"}, {"TTL", 5}}}}}}});
  EXPECT_EQ(old["Service"]["NamespaceId"], ns);
  // API-only services in a DNS namespace.
  EXPECT_EQ(service("plain", ns)["Type"], "HTTP");
  EXPECT_EQ(h.fails("CreateService", {{"Name", "x"}}), "InvalidInput");  // no namespace at all
  EXPECT_EQ(h.fails("CreateService", {{"Name", "x"}, {"NamespaceId", "ns-nope"}}), "NamespaceNotFound");
  EXPECT_EQ(h.fails("CreateService", {{"Name", "-bad"}, {"NamespaceId", ns}}), "InvalidInput");
  EXPECT_EQ(h.fails("CreateService", {{"Name", "hc"}, {"NamespaceId", ns}, {"HealthCheckConfig", {{"Type", "HTTP"}}}}),
            "InvalidInput");  // Route 53 checks: public namespaces only
  EXPECT_EQ(h.fails("CreateService", {{"Name", "two"}, {"NamespaceId", ns},
                                      {"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 1}}, {{"Type", "A"}, {"TTL", 2}}}}}}}),
            "InvalidInput");
  EXPECT_EQ(h.fails("CreateService", {{"Name", "cn"}, {"NamespaceId", ns},
                                      {"DnsConfig", {{"DnsRecords", {{{"Type", "CNAME"}, {"TTL", 1}}}}}}}),
            "InvalidInput");  // CNAME needs WEIGHTED
}

TEST_F(DiscoveryTest, PublicNamespaceServiceWithRoute53HealthCheck) {
  const std::string ns = namespace_of_operation(h.ok("CreatePublicDnsNamespace", {{"Name", "example.com"}}));
  auto s = service("www", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 60}}}}}},
                               {"HealthCheckConfig", {{"Type", "HTTPS"}, {"FailureThreshold", 3}}}});
  EXPECT_EQ(s["HealthCheckConfig"], (Json{{"Type", "HTTPS"}, {"ResourcePath", "/"}, {"FailureThreshold", 3}}));
  // UpdateService without HealthCheckConfig removes it (as AWS documents), and only TTLs change.
  auto op = h.ok("UpdateService", {{"Id", s["Id"]}, {"Service", {{"Description", "d"},
                                                                  {"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 5}}}}}}}}});
  EXPECT_EQ(h.ok("GetOperation", {{"OperationId", op["OperationId"]}})["Operation"]["Targets"], (Json{{"SERVICE", s["Id"]}}));
  auto got = h.ok("GetService", {{"Id", s["Id"]}})["Service"];
  EXPECT_EQ(got["Description"], "d");
  EXPECT_EQ(got["DnsConfig"]["DnsRecords"], (Json{{{"Type", "A"}, {"TTL", 5}}}));
  EXPECT_FALSE(got.contains("HealthCheckConfig"));
  EXPECT_EQ(h.fails("UpdateService", {{"Id", s["Id"]}, {"Service", {{"DnsConfig", {{"DnsRecords", {{{"Type", "AAAA"}, {"TTL", 5}}}}}}}}}),
            "InvalidInput");
  EXPECT_EQ(h.fails("UpdateService", {{"Id", "srv-none"}, {"Service", Json::object()}}), "ServiceNotFound");
}

TEST_F(DiscoveryTest, ListServicesFiltersByNamespaceAndPages) {
  const std::string a = http_namespace("a");
  const std::string b = http_namespace("b");
  service("one", a);
  service("two", b);
  service("three", a);
  auto names = [&](Json in) {
    std::vector<std::string> out;
    const Json reply = h.ok("ListServices", in);
    for (const auto& s : reply["Services"]) {
      EXPECT_FALSE(s.contains("NamespaceId"));  // not a member of ServiceSummary
      out.push_back(s["Name"]);
    }
    return out;
  };
  EXPECT_EQ(names(Json::object()), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(names({{"Filters", {{{"Name", "NAMESPACE_ID"}, {"Values", {a}}, {"Condition", "EQ"}}}}}),
            (std::vector<std::string>{"one", "three"}));
  auto page = h.ok("ListServices", {{"MaxResults", 2}});
  EXPECT_EQ(page["Services"].size(), 2u);
  EXPECT_EQ(h.ok("ListServices", {{"MaxResults", 2}, {"NextToken", page["NextToken"]}})["Services"][0]["Name"], "three");
  EXPECT_EQ(h.fails("ListServices", {{"Filters", {{{"Name", "NAMESPACE_ID"}, {"Values", {a}}, {"Condition", "BETWEEN"}}}}}),
            "InvalidInput");
}

TEST_F(DiscoveryTest, RegisterInstanceIsAnUpsertAndDeleteServiceWaitsForIt) {
  const std::string ns = http_namespace("shop");
  const std::string s = service("cart", ns)["Id"];
  auto op = register_instance(s, "i-1", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}, {"color", "blue"}});
  auto recorded = h.ok("GetOperation", {{"OperationId", op["OperationId"]}})["Operation"];
  EXPECT_EQ(recorded["Type"], "REGISTER_INSTANCE");
  EXPECT_EQ(recorded["Targets"], (Json{{"INSTANCE", "i-1"}, {"SERVICE", s}}));
  h.ok("RegisterInstance", {{"ServiceId", s}, {"InstanceId", "i-1"}, {"CreatorRequestId", "again"},
                            {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.2"}}}});
  EXPECT_EQ(h.ok("GetInstance", {{"ServiceId", s}, {"InstanceId", "i-1"}})["Instance"],
            (Json{{"Id", "i-1"}, {"CreatorRequestId", "again"}, {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.2"}}}}));
  EXPECT_EQ(h.ok("GetService", {{"Id", s}})["Service"]["InstanceCount"], 1);
  auto busy = h.call("DeleteService", {{"Id", s}});
  EXPECT_EQ(busy.error_type(), "ResourceInUse");
  EXPECT_EQ(busy.message(), "The service " + s + " has 1 registered instance; deregister them before deleting the service.");
  auto gone = h.ok("DeregisterInstance", {{"ServiceId", s}, {"InstanceId", "i-1"}});
  EXPECT_EQ(h.ok("GetOperation", {{"OperationId", gone["OperationId"]}})["Operation"]["Type"], "DEREGISTER_INSTANCE");
  EXPECT_EQ(h.fails("DeregisterInstance", {{"ServiceId", s}, {"InstanceId", "i-1"}}), "InstanceNotFound");
  auto missing = h.call("GetInstance", {{"ServiceId", s}, {"InstanceId", "i-1"}});
  EXPECT_EQ(missing.error_type(), "InstanceNotFound");
  EXPECT_EQ(missing.message(), "No instance exists with ID i-1 in service " + s);
  EXPECT_EQ(h.ok("DeleteService", {{"Id", s}}), Json::object());
  EXPECT_EQ(h.fails("GetService", {{"Id", s}}), "ServiceNotFound");
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", s}, {"InstanceId", "i"}, {"Attributes", Json::object()}}),
            "ServiceNotFound");
}

TEST_F(DiscoveryTest, InstanceAttributesAreChecked) {
  const std::string ns = private_namespace("corp.local");
  const std::string a = service("a", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 60}}}}}}})["Id"];
  const std::string srv = service("srv", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "SRV"}, {"TTL", 60}}}}}}})["Id"];
  auto no_ip = h.call("RegisterInstance", {{"ServiceId", a}, {"InstanceId", "i"}, {"Attributes", {{"x", "y"}}}});
  EXPECT_EQ(no_ip.error_type(), "InvalidInput");
  EXPECT_EQ(no_ip.message(), "AWS_INSTANCE_IPV4 is required: the service " + a + " has an A record.");
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", a}, {"InstanceId", "i"}, {"Attributes", {{"AWS_INSTANCE_IPV4", "300.1.1.1"}}}}),
            "InvalidInput");
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", srv}, {"InstanceId", "i"}, {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}}}}),
            "InvalidInput");  // SRV needs a port
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", srv}, {"InstanceId", "i"},
                                         {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}, {"AWS_INSTANCE_PORT", "70000"}}}}),
            "InvalidInput");
  register_instance(srv, "i", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}, {"AWS_INSTANCE_PORT", "8080"}});
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", a}, {"InstanceId", "bad id"}, {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}}}}),
            "InvalidInput");
  Json many{{"AWS_INSTANCE_IPV4", "10.0.0.1"}};
  for (int i = 0; i < 31; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", a}, {"InstanceId", "i"}, {"Attributes", many}}), "InvalidInput");
  EXPECT_EQ(h.fails("RegisterInstance", {{"ServiceId", a}, {"InstanceId", "i"},
                                         {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.1"}, {"AWS_INIT_HEALTH_STATUS", "MAYBE"}}}}),
            "InvalidInput");
}

TEST_F(DiscoveryTest, ListInstancesPagesInRegistrationOrder) {
  const std::string s = service("cart", http_namespace("shop"))["Id"];
  for (const char* id : {"c", "a", "b"}) register_instance(s, id, {{"n", id}});
  auto first = h.ok("ListInstances", {{"ServiceId", s}, {"MaxResults", 2}});
  EXPECT_EQ(first["Instances"], (Json{{{"Id", "c"}, {"Attributes", {{"n", "c"}}}}, {{"Id", "a"}, {"Attributes", {{"n", "a"}}}}}));
  auto second = h.ok("ListInstances", {{"ServiceId", s}, {"NextToken", first["NextToken"]}});
  EXPECT_EQ(second["Instances"], (Json{{{"Id", "b"}, {"Attributes", {{"n", "b"}}}}}));
  EXPECT_FALSE(second.contains("NextToken"));
  EXPECT_EQ(h.fails("ListInstances", {{"ServiceId", "srv-none"}}), "ServiceNotFound");
}

TEST_F(DiscoveryTest, CustomHealthStartsFromAwsInitHealthStatusAndCanBeUpdated) {
  const std::string ns = http_namespace("shop");
  const std::string custom = service("custom", ns, {{"HealthCheckCustomConfig", Json::object()}})["Id"];
  const std::string plain = service("plain", ns)["Id"];
  register_instance(custom, "up", {{"x", "1"}});
  register_instance(custom, "down", {{"AWS_INIT_HEALTH_STATUS", "UNHEALTHY"}});
  register_instance(plain, "p", {{"x", "1"}});
  EXPECT_EQ(h.ok("GetInstancesHealthStatus", {{"ServiceId", custom}})["Status"], (Json{{"up", "HEALTHY"}, {"down", "UNHEALTHY"}}));
  EXPECT_EQ(h.ok("GetInstancesHealthStatus", {{"ServiceId", plain}})["Status"], (Json{{"p", "UNKNOWN"}}));
  EXPECT_EQ(h.ok("GetInstancesHealthStatus", {{"ServiceId", custom}, {"Instances", {"down"}}})["Status"],
            (Json{{"down", "UNHEALTHY"}}));
  auto paged = h.ok("GetInstancesHealthStatus", {{"ServiceId", custom}, {"MaxResults", 1}});
  EXPECT_EQ(paged["Status"], (Json{{"up", "HEALTHY"}}));
  EXPECT_EQ(h.ok("GetInstancesHealthStatus", {{"ServiceId", custom}, {"NextToken", paged["NextToken"]}})["Status"],
            (Json{{"down", "UNHEALTHY"}}));
  EXPECT_EQ(h.fails("GetInstancesHealthStatus", {{"ServiceId", custom}, {"Instances", {"nope"}}}), "InstanceNotFound");

  EXPECT_EQ(h.ok("UpdateInstanceCustomHealthStatus", {{"ServiceId", custom}, {"InstanceId", "down"}, {"Status", "HEALTHY"}}),
            Json::object());
  EXPECT_EQ(h.ok("GetInstancesHealthStatus", {{"ServiceId", custom}})["Status"]["down"], "HEALTHY");
  auto no_custom = h.call("UpdateInstanceCustomHealthStatus", {{"ServiceId", plain}, {"InstanceId", "p"}, {"Status", "HEALTHY"}});
  EXPECT_EQ(no_custom.error_type(), "CustomHealthNotFound");
  EXPECT_EQ(no_custom.message(), "The service " + plain + " has no HealthCheckCustomConfig: its instances' health cannot be set.");
  EXPECT_EQ(h.fails("UpdateInstanceCustomHealthStatus", {{"ServiceId", custom}, {"InstanceId", "nope"}, {"Status", "HEALTHY"}}),
            "InstanceNotFound");
}

TEST_F(DiscoveryTest, DiscoverInstancesQueryOptionalAndHealth) {
  const std::string ns = http_namespace("shop");
  const std::string s = service("cart", ns, {{"HealthCheckCustomConfig", Json::object()}})["Id"];
  register_instance(s, "a", {{"stage", "prod"}, {"zone", "1"}});
  register_instance(s, "b", {{"stage", "prod"}, {"zone", "2"}});
  register_instance(s, "c", {{"stage", "dev"}, {"zone", "1"}, {"AWS_INIT_HEALTH_STATUS", "UNHEALTHY"}});
  auto ids = [&](Json extra) {
    Json in{{"NamespaceName", "shop"}, {"ServiceName", "cart"}};
    in.update(extra);
    std::vector<std::string> out;
    const Json reply = h.ok("DiscoverInstances", in);
    for (const auto& i : reply["Instances"]) out.push_back(i["InstanceId"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(Json::object()), (V{"a", "b"}));  // HEALTHY when omitted
  EXPECT_EQ(ids({{"HealthStatus", "ALL"}}), (V{"a", "b", "c"}));
  EXPECT_EQ(ids({{"HealthStatus", "UNHEALTHY"}}), (V{"c"}));
  EXPECT_EQ(ids({{"QueryParameters", {{"stage", "prod"}}}}), (V{"a", "b"}));
  EXPECT_EQ(ids({{"QueryParameters", {{"stage", "prod"}}}, {"OptionalParameters", {{"zone", "2"}}}}), (V{"b"}));
  EXPECT_EQ(ids({{"QueryParameters", {{"stage", "prod"}}}, {"OptionalParameters", {{"zone", "9"}}}}), (V{"a", "b"}));
  EXPECT_EQ(ids({{"QueryParameters", {{"stage", "dev"}}}}), (V{}));
  EXPECT_EQ(ids({{"QueryParameters", {{"stage", "dev"}}}, {"HealthStatus", "HEALTHY_OR_ELSE_ALL"}}), (V{"c"}));
  EXPECT_EQ(ids({{"HealthStatus", "HEALTHY_OR_ELSE_ALL"}}), (V{"a", "b"}));
  EXPECT_EQ(ids({{"HealthStatus", "ALL"}, {"MaxResults", 2}}), (V{"a", "b"}));

  auto full = h.ok("DiscoverInstances", {{"NamespaceName", "shop"}, {"ServiceName", "cart"}, {"MaxResults", 1}});
  EXPECT_EQ(full["Instances"], (Json{{{"InstanceId", "a"},
                                      {"NamespaceName", "shop"},
                                      {"ServiceName", "cart"},
                                      {"HealthStatus", "HEALTHY"},
                                      {"Attributes", {{"stage", "prod"}, {"zone", "1"}}}}}));
  const long long revision = full["InstancesRevision"];
  EXPECT_EQ(h.ok("DiscoverInstancesRevision", {{"NamespaceName", "shop"}, {"ServiceName", "cart"}})["InstancesRevision"], revision);
  h.ok("UpdateInstanceCustomHealthStatus", {{"ServiceId", s}, {"InstanceId", "c"}, {"Status", "HEALTHY"}});
  EXPECT_GT(h.ok("DiscoverInstancesRevision", {{"NamespaceName", "shop"}, {"ServiceName", "cart"}})["InstancesRevision"].get<long long>(),
            revision);
  EXPECT_EQ(ids(Json::object()), (V{"a", "b", "c"}));

  EXPECT_EQ(h.fails("DiscoverInstances", {{"NamespaceName", "nope"}, {"ServiceName", "cart"}}), "NamespaceNotFound");
  EXPECT_EQ(h.fails("DiscoverInstances", {{"NamespaceName", "shop"}, {"ServiceName", "nope"}}), "ServiceNotFound");
}

TEST_F(DiscoveryTest, DiscoverInstancesWithoutHealthChecksReportsUnknownAndIgnoresTheFilter) {
  const std::string s = service("web", private_namespace("corp.local"))["Id"];
  register_instance(s, "x", {{"AWS_INSTANCE_IPV4", "172.31.0.9"}});
  auto got = h.ok("DiscoverInstances", {{"NamespaceName", "corp.local"}, {"ServiceName", "web"}, {"HealthStatus", "UNHEALTHY"}});
  ASSERT_EQ(got["Instances"].size(), 1u);
  EXPECT_EQ(got["Instances"][0]["HealthStatus"], "UNKNOWN");
}

TEST_F(DiscoveryTest, ServiceAttributes) {
  const std::string s = service("cart", http_namespace("shop"))["Id"];
  const std::string arn = h.ok("GetService", {{"Id", s}})["Service"]["Arn"];
  EXPECT_EQ(h.ok("GetServiceAttributes", {{"ServiceId", s}})["ServiceAttributes"], (Json{{"ServiceArn", arn}}));
  h.ok("UpdateServiceAttributes", {{"ServiceId", s}, {"Attributes", {{"a", "1"}, {"b", "2"}}}});
  h.ok("DeleteServiceAttributes", {{"ServiceId", s}, {"Attributes", {"a"}}});
  EXPECT_EQ(h.ok("GetServiceAttributes", {{"ServiceId", s}})["ServiceAttributes"],
            (Json{{"ServiceArn", arn}, {"Attributes", {{"b", "2"}}}}));
  Json many = Json::object();
  for (int i = 0; i < 30; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(h.fails("UpdateServiceAttributes", {{"ServiceId", s}, {"Attributes", many}}),
            "ServiceAttributesLimitExceededException");
  EXPECT_EQ(h.fails("GetServiceAttributes", {{"ServiceId", "srv-none"}}), "ServiceNotFound");
}

TEST_F(DiscoveryTest, SnapshotRoundTrip) {
  const std::string ns = private_namespace("corp.local");
  const std::string s = service("api", ns, {{"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 60}}}}}},
                                            {"HealthCheckCustomConfig", Json::object()},
                                            {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}})["Id"];
  register_instance(s, "t1", {{"AWS_INSTANCE_IPV4", "172.31.0.10"}, {"AWS_INIT_HEALTH_STATUS", "UNHEALTHY"}});
  h.ok("UpdateServiceAttributes", {{"ServiceId", s}, {"Attributes", {{"a", "1"}}}});
  const Json before_ns = h.ok("ListNamespaces"), before_svc = h.ok("GetService", {{"Id", s}}),
             before_ops = h.ok("ListOperations"), before_health = h.ok("GetInstancesHealthStatus", {{"ServiceId", s}});
  const Json snap = provider->snapshot();
  EXPECT_EQ(snap["service"], "servicediscovery");

  auto other = std::make_shared<DiscoveryProvider>(ids, networks);
  other->restore(snap);
  testing::JsonServiceHarness h2{"Route53AutoNaming_v20170314", other};
  EXPECT_EQ(h2.ok("ListNamespaces"), before_ns);
  EXPECT_EQ(h2.ok("GetService", {{"Id", s}}), before_svc);
  EXPECT_EQ(h2.ok("ListOperations"), before_ops);
  EXPECT_EQ(h2.ok("GetInstancesHealthStatus", {{"ServiceId", s}}), before_health);
  EXPECT_EQ(h2.ok("GetServiceAttributes", {{"ServiceId", s}})["ServiceAttributes"]["Attributes"], (Json{{"a", "1"}}));
  EXPECT_EQ(h2.ok("ListTagsForResource", {{"ResourceARN", before_svc["Service"]["Arn"]}})["Tags"].size(), 1u);
  EXPECT_EQ(other->snapshot(), snap);
  // New entities after a restore still come after the restored ones.
  h2.ok("CreateHttpNamespace", {{"Name", "later"}});
  EXPECT_EQ(h2.ok("ListNamespaces")["Namespaces"].back()["Name"], "later");

  // A broken document changes nothing.
  Json broken = snap;
  broken["states"][0]["state"]["services"][s]["namespace_id"] = "ns-gone";
  EXPECT_THROW(other->restore(broken), std::runtime_error);
  EXPECT_EQ(h2.ok("ListNamespaces")["Namespaces"].size(), 2u);
  EXPECT_THROW(other->restore(Json{{"format", 1}, {"service", "ssm"}}), std::runtime_error);

  provider->on_reset();
  EXPECT_TRUE(h.ok("ListNamespaces")["Namespaces"].empty());
}

}  // namespace
}  // namespace ecslocal::api::servicediscovery
