// ECS's side of Service Connect and classic service discovery (spec discovery §2) against a fake
// Cloud Map: validation, the Cloud Map services ECS makes, what the deployments and tasks show,
// what a task's pause container is given (hosts, proxy command, DNS aliases) and the proxy's
// configuration served at the task endpoints.
#include "api/ecs/service_connect.hpp"
#include "api/ecs/snapshot.hpp"
#include "api/ports/service_discovery.hpp"
#include "tests/unit/api/ecs/service_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

constexpr const char* kNsArn = "arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-aaaaaaaaaaaaaaaa";

class FakeDiscovery : public ServiceDiscovery {
 public:
  FakeDiscovery() {
    namespaces.push_back({"ns-aaaaaaaaaaaaaaaa", kNsArn, "retail", "HTTP", ""});
    namespaces.push_back({"ns-bbbbbbbbbbbbbbbb", "arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-bbbbbbbbbbbbbbbb",
                          "corp.local", "DNS_PRIVATE", ""});  // the VPC: set by the test that needs it
    DiscoveryServiceInfo api;
    api.id = "srv-dddddddddddddddd";
    api.arn = "arn:aws:servicediscovery:us-east-1:000000000000:service/" + api.id;
    api.name = "api";
    api.name_space = namespaces[1];
    api.dns_a = true;
    services.push_back(api);
  }
  std::optional<DiscoveryNamespaceInfo> find_namespace(const std::string&, const std::string&,
                                                       const std::string& name_or_arn) const override {
    for (const auto& n : namespaces)
      if (n.name == name_or_arn || n.arn == name_or_arn || n.id == name_or_arn) return n;
    return std::nullopt;
  }
  DiscoveryNamespaceInfo ensure_http_namespace(const std::string& a, const std::string& r, const std::string& name) override {
    if (auto found = find_namespace(a, r, name)) return *found;
    const std::string id = "ns-cccccccccccccccc";
    namespaces.push_back({id, "arn:aws:servicediscovery:us-east-1:000000000000:namespace/" + id, name, "HTTP", ""});
    return namespaces.back();
  }
  std::optional<DiscoveryServiceInfo> find_service(const std::string&, const std::string&, const std::string& arn) const override {
    for (const auto& s : services)
      if (s.arn == arn || s.id == arn) return s;
    return std::nullopt;
  }
  DiscoveryServiceInfo ensure_service(const std::string& a, const std::string& r, const std::string& namespace_id,
                                      const std::string& name) override {
    for (const auto& s : services)
      if (s.name == name && s.name_space.id == namespace_id) return s;
    DiscoveryServiceInfo s;
    s.id = "srv-" + std::string(16 - std::to_string(services.size()).size(), '0') + std::to_string(services.size());
    s.arn = "arn:aws:servicediscovery:us-east-1:000000000000:service/" + s.id;
    s.name = name;
    s.name_space = *find_namespace(a, r, namespace_id);
    services.push_back(s);
    return s;
  }
  std::vector<DiscoveryInstanceInfo> instances(const std::string&, const std::string&, const std::string& arn) const override {
    auto it = registered.find(arn);
    return it == registered.end() ? std::vector<DiscoveryInstanceInfo>{} : it->second;
  }

  std::vector<DiscoveryNamespaceInfo> namespaces;
  std::vector<DiscoveryServiceInfo> services;
  std::map<std::string, std::vector<DiscoveryInstanceInfo>> registered;
};

Json named_port_definition(const std::string& family, const std::string& port_name, int port) {
  Json td = plain_definition(family);
  td["containerDefinitions"][0]["portMappings"] = Json::array({{{"containerPort", port}, {"name", port_name}}});
  return td;
}

class ServiceConnectTest : public ServiceTest {
 protected:
  ServiceConnectTest() {
    h.ecs_provider().set_discovery(&discovery);
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", named_port_definition("catalog", "catalog-service", 8080)).ok());
    EXPECT_TRUE(h.ecs("RegisterTaskDefinition", named_port_definition("ui", "ui", 8080)).ok());
  }

  static Json server_config(Json alias = {{"dnsName", "catalog"}, {"port", 80}}) {
    Json entry = {{"portName", "catalog-service"}, {"discoveryName", "catalog"}};
    if (!alias.is_null()) entry["clientAliases"] = Json::array({alias});
    return {{"enabled", true}, {"namespace", "retail"}, {"services", Json::array({entry})}};
  }

  CallResult create_sc(const std::string& name, const std::string& family, Json config) {
    return create(name, 1, {{"taskDefinition", family}, {"serviceConnectConfiguration", std::move(config)}});
  }

  const Task& task_of(const std::string& arn) {
    const Task* t = h.ecs_provider().store().find("000000000000", "us-east-1")->tasks.find_by_arn(arn);
    EXPECT_NE(t, nullptr);
    return *t;
  }

  FakeDiscovery discovery;
};

TEST_F(ServiceConnectTest, AServerMakesItsCloudMapServiceAndShowsItAsTheDeploymentsResources) {
  auto r = create_sc("catalog", "catalog", server_config());
  ASSERT_TRUE(r.ok()) << r.body.dump();
  const Json& d = r.body["service"]["deployments"][0];
  ASSERT_EQ(discovery.services.size(), 2u);
  EXPECT_EQ(discovery.services[1].name, "catalog");
  EXPECT_EQ(discovery.services[1].name_space.id, "ns-aaaaaaaaaaaaaaaa");
  EXPECT_EQ(d["serviceConnectResources"],
            Json::array({{{"discoveryName", "catalog"}, {"discoveryArn", discovery.services[1].arn}}}));
  EXPECT_EQ(d["serviceConnectConfiguration"]["namespace"], "retail");
  EXPECT_FALSE(r.body["service"].contains("serviceConnectConfiguration")) << "shown per deployment only";
  auto listed = h.ecs("ListServicesByNamespace", {{"namespace", kNsArn}});
  ASSERT_TRUE(listed.ok()) << listed.body.dump();
  EXPECT_EQ(listed.body["serviceArns"], Json::array({kArnPrefix + "service/default/catalog"}));
}

TEST_F(ServiceConnectTest, ValidationFollowsEcs) {
  Json missing = server_config();
  missing["namespace"] = "nowhere";
  auto r = create_sc("catalog", "catalog", missing);
  expect_error(r, "NamespaceNotFoundException");
  EXPECT_EQ(r.body["message"], "Failed to retrieve namespace for nowhere");
  Json bad_port = server_config();
  bad_port["services"][0]["portName"] = "http";
  r = create_sc("catalog", "catalog", bad_port);
  expect_error(r, "InvalidParameterException");
  EXPECT_EQ(r.body["message"], "The port name http does not exist in the task definition catalog:1.");
  Json no_namespace = {{"enabled", true}};
  expect_error(create_sc("ui", "ui", no_namespace), "InvalidParameterException");
  ASSERT_TRUE(create_sc("catalog", "catalog", server_config()).ok());
  Json again = server_config(Json{{"dnsName", "catalog2"}, {"port", 81}});
  expect_error(create_sc("catalog2", "catalog", again), "InvalidParameterException");  // discoveryName taken
  EXPECT_EQ(discovery.services.size(), 2u) << "failed calls make no Cloud Map service";
}

TEST_F(ServiceConnectTest, AClientTaskGetsTheAliasesAndAProxyToTheServerTasks) {
  ASSERT_TRUE(create_sc("catalog", "catalog", server_config()).ok());
  discovery.registered[discovery.services[1].arn] = {
      {"t1", {{"AWS_INSTANCE_IPV4", "172.31.0.20"}, {"AWS_INSTANCE_PORT", "8080"}}, true},
      {"t2", {{"AWS_INSTANCE_IPV4", "172.31.0.21"}, {"AWS_INSTANCE_PORT", "8080"}}, false},  // unhealthy: left out
  };
  ASSERT_TRUE(create_sc("ui", "ui", Json{{"enabled", true}, {"namespace", "retail"}}).ok());
  const std::string ui_task = tasks_of("ui").at(0);
  const runtime::TaskSpec* spec = runtime.launched(ui_task);
  ASSERT_NE(spec, nullptr);
  EXPECT_NE(std::find(spec->network.extra_hosts.begin(), spec->network.extra_hosts.end(), "catalog:127.255.0.1"),
            spec->network.extra_hosts.end());
  ASSERT_EQ(spec->network.pause_command.size(), 4u);
  EXPECT_EQ(spec->network.pause_command[1], "--service-connect");
  const Task& task = task_of(ui_task);
  EXPECT_EQ(spec->network.pause_command[2], "http://169.254.170.2/api/" + task.endpoint_id + "/service-connect");
  const Json initial = Json::parse(spec->network.pause_command[3]);
  ASSERT_EQ(initial["listeners"].size(), 1u);
  EXPECT_EQ(initial["listeners"][0]["address"], "127.255.0.1");
  EXPECT_EQ(initial["listeners"][0]["port"], 80);
  EXPECT_EQ(initial["listeners"][0]["upstreams"], Json::parse(R"([{"address":"172.31.0.20","port":8080}])"));

  // Served live at the task endpoints: a new healthy instance shows, with a new version.
  discovery.registered[discovery.services[1].arn][1].healthy = true;
  auto reply = h.ecs_provider().endpoints().serve("GET", "/api/" + task.endpoint_id + "/service-connect", "", now);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const Json live = Json::parse(reply.body);
  EXPECT_EQ(live["listeners"][0]["upstreams"].size(), 2u);
  EXPECT_NE(live["version"], initial["version"]);
  EXPECT_EQ(h.ecs_provider().endpoints().serve("GET", "/api/nobody/service-connect", "", now).status, 404);

  // DescribeTasks lists the proxy container.
  run_pending("ui");
  const Json described = describe(ui_task);
  ASSERT_EQ(described["containers"].size(), 2u);
  const Json& proxy = described["containers"][1];
  EXPECT_EQ(proxy["name"], service_connect_container_name(task.id));
  EXPECT_TRUE(std::regex_match(proxy["name"].get<std::string>(), std::regex("ecs-service-connect-[A-Za-z0-9]{6}")));
  EXPECT_EQ(proxy["lastStatus"], "RUNNING");
  EXPECT_EQ(proxy["healthStatus"], "HEALTHY");
}

TEST_F(ServiceConnectTest, ARefusedEntryMakesNoCloudMapServiceForTheOthers) {
  Json config = server_config();
  config["services"].push_back({{"portName", "nope"}});
  expect_error(create_sc("catalog", "catalog", config), "InvalidParameterException");
  EXPECT_EQ(discovery.services.size(), 1u) << "the first entry's service is not made either";
  Json twice = server_config();
  twice["services"].push_back({{"portName", "catalog-service"}, {"discoveryName", "catalog-b"},
                               {"clientAliases", Json::array({{{"dnsName", "catalog"}, {"port", 80}}})}});
  auto r = create_sc("catalog", "catalog", twice);
  expect_error(r, "InvalidParameterException");
  EXPECT_EQ(r.body["message"], "The client alias catalog:80 is already used by another Service Connect service in namespace retail.");
}

TEST_F(ServiceConnectTest, ATasksProxyServesOnlyTheEndpointsItStartedWith) {
  ASSERT_TRUE(create_sc("ui", "ui", Json{{"enabled", true}, {"namespace", "retail"}}).ok());
  const Task& ui = task_of(tasks_of("ui").at(0));
  EXPECT_TRUE(ui.service_connect_hosts.empty());
  ASSERT_TRUE(create_sc("catalog", "catalog", server_config()).ok());  // after ui started
  auto reply = h.ecs_provider().endpoints().serve("GET", "/api/" + ui.endpoint_id + "/service-connect", "", now);
  ASSERT_EQ(reply.status, 200);
  EXPECT_TRUE(Json::parse(reply.body)["listeners"].empty()) << reply.body;
  // A desired-count change neither resolves the namespace again nor starts a deployment.
  const size_t made = discovery.services.size();
  ASSERT_TRUE(update("catalog", {{"desiredCount", 2}}).ok());
  EXPECT_EQ(service("catalog")["deployments"].size(), 1u);
  EXPECT_EQ(discovery.services.size(), made);
}

TEST_F(ServiceConnectTest, AnAliasOnAPortTheTaskListensOnIsNotProxiedInThatTask) {
  // No clientAliases: the alias is catalog.retail on the containerPort (8080), which the server
  // task's own app binds: its proxy leaves that one out, the host entry stays.
  ASSERT_TRUE(create_sc("catalog", "catalog", server_config(Json())).ok());
  const runtime::TaskSpec* spec = runtime.launched(tasks_of("catalog").at(0));
  ASSERT_NE(spec, nullptr);
  const Json config = Json::parse(spec->network.pause_command.at(3));
  EXPECT_TRUE(config["listeners"].empty()) << config.dump();
  EXPECT_NE(std::find(spec->network.extra_hosts.begin(), spec->network.extra_hosts.end(), "catalog.retail:127.255.0.1"),
            spec->network.extra_hosts.end());
}

TEST_F(ServiceConnectTest, IngressPortOverrideIsRelayedToTheContainerPortInTheServerTask) {
  Json config = server_config();
  config["services"][0]["ingressPortOverride"] = 9090;
  ASSERT_TRUE(create_sc("catalog", "catalog", config).ok());
  const Json initial = Json::parse(runtime.launched(tasks_of("catalog").at(0))->network.pause_command.at(3));
  EXPECT_EQ(initial["listeners"][0], Json::parse(R"({"address":"0.0.0.0","port":9090,
                                                      "upstreams":[{"address":"127.0.0.1","port":8080}]})"));
}

TEST_F(ServiceConnectTest, ServerTasksAreCloudMapInstancesOnTheirUpstreamPort) {
  ASSERT_TRUE(create_sc("catalog", "catalog", server_config()).ok());
  const EcsService* s = h.ecs_provider().store().find("000000000000", "us-east-1")->services.find("default", "catalog");
  ASSERT_NE(s, nullptr);
  const TaskDefinition* td = h.ecs_provider().store().find("000000000000", "us-east-1")->task_definitions.find_by_arn(
      s->spec.task_definition_arn);
  const auto registries = task_registries(*s, s->primary()->id, td);
  ASSERT_EQ(registries.size(), 1u);
  EXPECT_EQ(registries[0].registry_arn, discovery.services[1].arn);
  EXPECT_EQ(registries[0].port, 8080);
  EXPECT_TRUE(registries[0].service_connect);
}

TEST_F(ServiceConnectTest, AClusterDefaultNamespaceIsMadeWhenMissingAndShownAsItsArn) {
  auto r = h.ecs("CreateCluster", {{"clusterName", "shop"}, {"serviceConnectDefaults", {{"namespace", "shop-ns"}}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  ASSERT_EQ(discovery.namespaces.size(), 3u);
  EXPECT_EQ(discovery.namespaces[2].type, "HTTP");
  EXPECT_EQ(r.body["cluster"]["serviceConnectDefaults"]["namespace"], discovery.namespaces[2].arn);
  r = h.ecs("UpdateCluster", {{"cluster", "default"}, {"serviceConnectDefaults", {{"namespace", "retail"}}}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["cluster"]["serviceConnectDefaults"]["namespace"], kNsArn);
  // A service without a namespace of its own uses the cluster's.
  r = create_sc("ui", "ui", Json{{"enabled", true}});
  ASSERT_TRUE(r.ok()) << r.body.dump();
  EXPECT_EQ(r.body["service"]["deployments"][0]["serviceConnectConfiguration"]["namespace"], kNsArn);
}

TEST_F(ServiceConnectTest, ASnapshotKeepsTheResolvedNamespaceResourcesAndVirtualAddresses) {
  ASSERT_TRUE(create_sc("catalog", "catalog", server_config()).ok());
  ASSERT_TRUE(create_sc("ui", "ui", Json{{"enabled", true}, {"namespace", "retail"}}).ok());
  EcsState& state = *h.ecs_provider().store().find("000000000000", "us-east-1");
  const Json snapshot = snapshot_state(state);
  EcsState restored;
  restore_state(restored, snapshot);
  const EcsService* s = restored.services.find("default", "catalog");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->spec.service_connect_namespace, kNsArn);
  EXPECT_EQ(s->spec.service_connect_namespace_name, "retail");
  EXPECT_EQ(s->spec.service_connect_resources, state.services.find("default", "catalog")->spec.service_connect_resources);
  EXPECT_EQ(restored.service_connect_vips, state.service_connect_vips);
  EXPECT_EQ(restored.service_connect_vips.at(kNsArn).at("catalog"), "127.255.0.1");
  bool flagged = false;
  for (const Task* t : restored.tasks.all()) flagged = flagged || (t->service_name == "ui" && t->service_connect);
  EXPECT_TRUE(flagged) << "the ui task keeps its proxy container";
}

TEST_F(ServiceConnectTest, ClassicDiscoveryInAPrivateDnsNamespaceGivesTheTaskItsDnsAlias) {
  Json registries = Json::array({{{"registryArn", discovery.services[0].arn}}});
  ASSERT_TRUE(create("api", 1, {{"serviceRegistries", registries}}).ok());
  const runtime::TaskSpec* spec = runtime.launched(tasks_of("api").at(0));
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->network.aliases, std::vector<std::string>{"api.corp.local"});
  EXPECT_TRUE(spec->network.pause_command.empty());
  // The namespace's own VPC only: a task of another VPC gets no alias.
  discovery.services[0].name_space.vpc_id = spec->labels.at("ecslocal.vpc");
  ASSERT_TRUE(create("api-same", 1, {{"serviceRegistries", registries}}).ok());
  EXPECT_EQ(runtime.launched(tasks_of("api-same").at(0))->network.aliases, std::vector<std::string>{"api.corp.local"});
  discovery.services[0].name_space.vpc_id = "vpc-0123456789abcdef0";
  ASSERT_TRUE(create("api-elsewhere", 1, {{"serviceRegistries", registries}}).ok());
  EXPECT_TRUE(runtime.launched(tasks_of("api-elsewhere").at(0))->network.aliases.empty());
  Json unknown = Json::array({{{"registryArn", "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-zzzzzzzzzzzzzzzz"}}});
  auto r = create("other", 1, {{"serviceRegistries", unknown}});
  expect_error(r, "InvalidParameterException");
}

}  // namespace
}  // namespace ecslocal::api::ecs
