// The task metadata (v3/v4) and credentials endpoints: the environment every container gets, the
// documents (field by field, spec discovery-secrets-metadata-exec.md §4.2), credentials through a
// fake RoleCredentialIssuer, and that ids are the only key (unknown or another task's: 404).
#include <algorithm>
#include <regex>

#include "api/ecs/task_endpoints.hpp"
#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

class FakeIssuer : public RoleCredentialIssuer {
 public:
  RoleCredentials issue_role_credentials(const std::string& role_arn, const std::string& session_name,
                                         std::chrono::seconds duration, Clock::time_point now) override {
    ++issued;
    last_role = role_arn;
    last_session = session_name;
    RoleCredentials out;
    if (fail) {
      out.error = "the role " + role_arn + " does not exist";
      return out;
    }
    out.access_key_id = "ASIAFAKE" + std::to_string(issued);
    out.secret_access_key = "secret";
    out.session_token = "token";
    out.account_id = "111122223333";
    out.expiration = now + duration;
    return out;
  }
  int issued = 0;
  bool fail = false;
  std::string last_role, last_session;
};

std::string env_of(const runtime::ContainerCreateSpec& c, const std::string& name) {
  for (const auto& e : c.env)
    if (e.rfind(name + "=", 0) == 0) return e.substr(name.size() + 1);
  return "";
}

class TaskEndpointsTest : public TaskOpsTest {
 protected:
  TaskEndpointsTest() { h.ecs_provider().set_credential_issuer(&issuer); }
  MetadataReply get(const std::string& path, const std::string& caller = "") {
    return h.ecs_provider().endpoints().serve("GET", path, caller, now);
  }
  Json get_json(const std::string& path, int status = 200) {
    auto r = get(path);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    return Json::parse(r.body);
  }
  // The path of a metadata URI variable of a container ("http://169.254.170.2/v4/<id>" → "/v4/<id>").
  std::string uri_path(const std::string& arn, const std::string& container, const std::string& var) {
    const auto* spec = runtime.launched(arn);
    EXPECT_NE(spec, nullptr);
    for (const auto& c : spec->containers)
      if (c.name == container) {
        std::string uri = env_of(c.create, var);
        EXPECT_EQ(uri.rfind("http://169.254.170.2/", 0), 0u) << uri;
        return uri.substr(std::string("http://169.254.170.2").size());
      }
    return "";
  }
  std::string credentials_path(const std::string& arn) {
    return env_of(runtime.launched(arn)->containers[0].create, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  }
  FakeIssuer issuer;
  Clock::time_point now = Clock::now();
  const std::string role = "arn:aws:iam::000000000000:role/app-role";
};

TEST_F(TaskEndpointsTest, EveryContainerGetsTheFargateEnvironment) {
  const std::string arn = run_one();
  const auto* spec = runtime.launched(arn);
  ASSERT_NE(spec, nullptr);
  const std::string route = h.ecs_provider().endpoint_route();
  EXPECT_EQ(route, endpoint_route("default"));
  std::set<std::string> ids;
  for (const auto& c : spec->containers) {
    const std::string v4 = env_of(c.create, "ECS_CONTAINER_METADATA_URI_V4");
    const std::string v3 = env_of(c.create, "ECS_CONTAINER_METADATA_URI");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(v4, m, std::regex("http://169\\.254\\.170\\.2/v4/([0-9a-f]{32}-[0-9]{10})"))) << v4;
    EXPECT_EQ(m[1].str().substr(0, 8), route);
    EXPECT_EQ(v3, "http://169.254.170.2/v3/" + m[1].str());
    ids.insert(m[1].str());
    EXPECT_EQ(env_of(c.create, "AWS_EXECUTION_ENV"), "AWS_ECS_FARGATE");
    EXPECT_EQ(env_of(c.create, "AWS_REGION"), "us-east-1");
    EXPECT_EQ(env_of(c.create, "AWS_DEFAULT_REGION"), "us-east-1");
    EXPECT_EQ(env_of(c.create, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), "");  // no task role
  }
  EXPECT_EQ(ids.size(), 2u);  // one id per container
  // A second task gets other ids.
  const std::string other = run_one();
  EXPECT_NE(uri_path(other, "app", "ECS_CONTAINER_METADATA_URI_V4"), uri_path(arn, "app", "ECS_CONTAINER_METADATA_URI_V4"));
}

TEST_F(TaskEndpointsTest, ATaskRoleGetsACredentialsPathAndTheAgentsVariablesWin) {
  Json td = web_definition("roled");
  td["taskRoleArn"] = role;
  td["containerDefinitions"][0]["environment"] = Json::array(
      {{{"name", "ECS_CONTAINER_METADATA_URI_V4"}, {"value", "mine"}}, {{"name", "AWS_DEFAULT_REGION"}, {"value", "eu-west-1"}}});
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string arn = run_one({{"taskDefinition", "roled"}});
  const auto& app = runtime.launched(arn)->containers[0].create;
  EXPECT_TRUE(std::regex_match(credentials_path(arn),
                               std::regex("/v2/credentials/" + h.ecs_provider().endpoint_route() +
                                          "-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << credentials_path(arn);
  EXPECT_NE(env_of(app, "ECS_CONTAINER_METADATA_URI_V4"), "mine");
  EXPECT_EQ(env_of(app, "AWS_DEFAULT_REGION"), "eu-west-1");  // the definition's region wins
  EXPECT_EQ(std::count_if(app.env.begin(), app.env.end(),
                          [](const std::string& e) { return e.rfind("ECS_CONTAINER_METADATA_URI_V4=", 0) == 0; }),
            1);
  // An override's role is the one used.
  const std::string other_role = "arn:aws:iam::000000000000:role/other";
  const std::string arn2 = run_one({{"overrides", {{"taskRoleArn", other_role}}}});
  ASSERT_FALSE(credentials_path(arn2).empty());
  get_json(credentials_path(arn2));
  EXPECT_EQ(issuer.last_role, other_role);
}

TEST_F(TaskEndpointsTest, CredentialsAreIssuedForTheTaskRoleAndReused) {
  Json td = web_definition("roled");
  td["taskRoleArn"] = role;
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string arn = run_one({{"taskDefinition", "roled"}});
  const std::string path = credentials_path(arn);
  Json c = get_json(path);
  EXPECT_EQ(c["RoleArn"], role);
  EXPECT_EQ(c["AccessKeyId"], "ASIAFAKE1");
  EXPECT_EQ(c["SecretAccessKey"], "secret");
  EXPECT_EQ(c["Token"], "token");
  EXPECT_TRUE(std::regex_match(c["Expiration"].get<std::string>(), std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")));
  EXPECT_EQ(issuer.last_session, arn.substr(arn.rfind('/') + 1));  // the session is the task id
  EXPECT_EQ(get_json(path)["AccessKeyId"], "ASIAFAKE1");  // still valid: the same ones
  EXPECT_EQ(issuer.issued, 1);
  now += std::chrono::hours(6) - std::chrono::minutes(20);  // within the renewal window
  EXPECT_EQ(get_json(path)["AccessKeyId"], "ASIAFAKE2");
  // Unknown ids, a missing id and a stopped task.
  EXPECT_EQ(get_json(path + "x", 404)["code"], "InvalidIdInRequest");
  // From another task's address: as unknown.
  auto ready = testing::event(Kind::NetworkReady, arn);
  ready.endpoints_address = "169.254.170.9";
  feed(ready);
  EXPECT_EQ(get(path, "169.254.170.9").status, 200);
  EXPECT_EQ(get(path, "169.254.170.10").status, 404);  // another task's address
  EXPECT_EQ(get(path).status, 200);                    // not relayed (the host): the id alone
  EXPECT_EQ(get_json("/v2/credentials/", 400)["code"], "NoIdInRequest");
  ASSERT_TRUE(h.ecs("StopTask", {{"task", arn}}).ok());
  feed(Kind::TaskStopped, arn);
  EXPECT_EQ(get(path).status, 404);
  issuer.fail = true;
  const std::string arn2 = run_one({{"taskDefinition", "roled"}});
  EXPECT_EQ(get(credentials_path(arn2)).status, 500);
}

TEST_F(TaskEndpointsTest, ContainerAndTaskDocumentsFieldByField) {
  const std::string arn = run_one();
  bring_running(arn);
  const std::string id = arn.substr(arn.rfind('/') + 1);
  const std::string v4 = uri_path(arn, "app", "ECS_CONTAINER_METADATA_URI_V4");
  Json c = get_json(v4);
  const std::regex ts("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
  EXPECT_EQ(c["DockerId"], "app-docker-id");
  EXPECT_EQ(c["Name"], "app");
  EXPECT_EQ(c["DockerName"], "app");
  EXPECT_EQ(c["Image"], "busybox:latest");
  EXPECT_EQ(c["Ports"], Json::parse(R"([{"ContainerPort": 8080, "Protocol": "tcp", "HostPort": 8080}])"));
  EXPECT_EQ(c["Labels"]["com.amazonaws.ecs.cluster"], kArnPrefix + "cluster/default");
  EXPECT_EQ(c["Labels"]["com.amazonaws.ecs.container-name"], "app");
  EXPECT_EQ(c["Labels"]["com.amazonaws.ecs.task-arn"], arn);
  EXPECT_EQ(c["Labels"]["com.amazonaws.ecs.task-definition-family"], "web");
  EXPECT_EQ(c["Labels"]["com.amazonaws.ecs.task-definition-version"], "1");
  EXPECT_EQ(c["DesiredStatus"], "RUNNING");
  EXPECT_EQ(c["KnownStatus"], "RUNNING");
  EXPECT_FALSE(c.contains("ExitCode"));
  EXPECT_EQ(c["Limits"]["CPU"], 0);
  EXPECT_TRUE(std::regex_match(c["StartedAt"].get<std::string>(), ts)) << c["StartedAt"];
  EXPECT_FALSE(c.contains("FinishedAt"));
  EXPECT_EQ(c["Type"], "NORMAL");
  EXPECT_EQ(c["Health"]["status"], "UNKNOWN");
  ASSERT_EQ(c["Networks"].size(), 1u);
  const Json& n = c["Networks"][0];
  EXPECT_EQ(n["NetworkMode"], "awsvpc");
  EXPECT_EQ(n["IPv4Addresses"], Json::array({"172.31.0.4"}));
  EXPECT_EQ(n["AttachmentIndex"], 0);
  EXPECT_EQ(n["IPv4SubnetCIDRBlock"], "172.31.0.0/20");
  EXPECT_EQ(n["SubnetGatewayIpv4Address"], "172.31.0.1/20");
  EXPECT_EQ(n["DomainNameServers"], Json::array({"172.31.0.2"}));
  EXPECT_EQ(n["DomainNameSearchList"], Json::array({"ec2.internal"}));
  EXPECT_EQ(n["PrivateDNSName"], "ip-172-31-0-4.ec2.internal");
  EXPECT_EQ(c["ContainerARN"].get<std::string>().rfind(kArnPrefix + "container/default/" + id + "/", 0), 0u);
  EXPECT_EQ(c["Snapshotter"], "overlayfs");
  EXPECT_EQ(get_json(uri_path(arn, "sidecar", "ECS_CONTAINER_METADATA_URI"))["Name"], "sidecar");  // v3 too

  Json t = get_json(v4 + "/task");
  EXPECT_EQ(t["Cluster"], kArnPrefix + "cluster/default");
  EXPECT_EQ(t["TaskARN"], arn);
  EXPECT_EQ(t["Family"], "web");
  EXPECT_EQ(t["Revision"], "1");
  EXPECT_EQ(t["DesiredStatus"], "RUNNING");
  EXPECT_EQ(t["KnownStatus"], "RUNNING");
  EXPECT_DOUBLE_EQ(t["Limits"]["CPU"].get<double>(), 0.25);
  EXPECT_EQ(t["Limits"]["Memory"], 512);
  EXPECT_TRUE(std::regex_match(t["PullStartedAt"].get<std::string>(), ts));
  EXPECT_TRUE(std::regex_match(t["PullStoppedAt"].get<std::string>(), ts));
  EXPECT_EQ(t["AvailabilityZone"], "us-east-1a");
  EXPECT_FALSE(t.contains("ServiceName"));
  EXPECT_EQ(t["LaunchType"], "FARGATE");
  EXPECT_EQ(t["FaultInjectionEnabled"], false);
  ASSERT_EQ(t["Containers"].size(), 2u);
  EXPECT_EQ(t["Containers"][0], c);
  EXPECT_EQ(t["Containers"][1]["Limits"]["Memory"], 64);
  EXPECT_EQ(get_json(v4 + "/task/")["TaskARN"], arn);  // a trailing slash is the same path
  EXPECT_TRUE(get_json(v4 + "/taskWithTags")["TaskTags"].is_object());

  // Stats need Docker's: the server is asked to read them (task_stats_test.cpp has the documents).
  EXPECT_EQ(get(v4 + "/stats").stats_of, std::vector<std::string>{"app-docker-id"});
  EXPECT_EQ(get(v4 + "/task/stats").stats_of, (std::vector<std::string>{"app-docker-id", "sidecar-docker-id"}));

  container_stopped(arn, "sidecar", 3);
  Json s = get_json(uri_path(arn, "sidecar", "ECS_CONTAINER_METADATA_URI_V4"));
  EXPECT_EQ(s["KnownStatus"], "STOPPED");
  EXPECT_EQ(s["ExitCode"], 3);
  EXPECT_TRUE(std::regex_match(s["FinishedAt"].get<std::string>(), ts));
}

TEST_F(TaskEndpointsTest, IdsAreTheOnlyKey) {
  const std::string a = run_one();
  const std::string b = run_one();
  const std::string va = uri_path(a, "app", "ECS_CONTAINER_METADATA_URI_V4");
  const std::string vb = uri_path(b, "app", "ECS_CONTAINER_METADATA_URI_V4");
  EXPECT_EQ(get_json(va + "/task")["TaskARN"], a);
  EXPECT_EQ(get_json(vb + "/task")["TaskARN"], b);
  // A task id or a made-up container suffix is no key.
  EXPECT_EQ(get("/v4/" + a.substr(a.rfind('/') + 1) + "/task").status, 404);
  EXPECT_EQ(get(va.substr(0, va.size() - 10) + "0000000000").status, 404);
  EXPECT_EQ(get("/v4/").status, 404);
  EXPECT_EQ(get("/v1/metadata").status, 404);
  EXPECT_TRUE(get_json(va + "x", 404).is_string());
  EXPECT_EQ(h.ecs_provider().endpoints().serve("POST", va, "", now).status, 405);
  // Relayed from an address on the endpoints network, an id is only good for the task at that address.
  auto ready = testing::event(Kind::NetworkReady, a);
  ready.endpoints_address = "169.254.170.7";
  feed(ready);
  auto ready_b = testing::event(Kind::NetworkReady, b);
  ready_b.endpoints_address = "169.254.170.8";
  feed(ready_b);
  EXPECT_EQ(get(va + "/task", "169.254.170.7").status, 200);
  EXPECT_EQ(get(va + "/task", "169.254.170.8").status, 404);  // b's address, a's id
  EXPECT_EQ(get(vb + "/task", "169.254.170.8").status, 200);
  // Reset forgets them.
  h.ecs_provider().on_reset();
  EXPECT_EQ(get(va).status, 404);
}

class FakeDataPlane : public DataPlane {
 public:
  ListenerResult open(const ListenerRequest& request) override {
    opened.push_back(request);
    return {!refuse, request.port, refuse ? "cannot assign requested address" : ""};
  }
  void close(const std::string&) override {}
  void publish(const std::string&, std::shared_ptr<const DataPlaneConfig>) override {}
  std::vector<ListenerRequest> opened;
  bool refuse = false;
};

TEST_F(TaskEndpointsTest, TasksGetTheApiUrlAndItsListenerOpensWithTheFirstTaskOnTheNetwork) {
  FakeDataPlane plane;
  Ports ports;
  ports.provide<DataPlane>(&plane);
  h.ecs_provider().connect(ports);
  auto joined = [&](const std::string& arn, const std::string& address) {
    auto ready = testing::event(Kind::NetworkReady, arn);
    ready.endpoints_address = address;
    feed(ready);
  };
  const std::string off = run_one();  // no API port given (the flag is off): nothing injected or opened
  EXPECT_EQ(env_of(runtime.launched(off)->containers[0].create, "AWS_ENDPOINT_URL"), "");
  joined(off, "169.254.170.3");
  EXPECT_TRUE(plane.opened.empty());

  h.ecs_provider().endpoints().set_api_port(4599);
  const std::string arn = run_one();
  EXPECT_EQ(env_of(runtime.launched(arn)->containers[0].create, "AWS_ENDPOINT_URL"), "http://169.254.170.1:4599");
  plane.refuse = true;  // the gateway address is not there yet: the next task tries again
  joined(arn, "169.254.170.4");
  ASSERT_EQ(plane.opened.size(), 1u);
  plane.refuse = false;
  joined(run_one(), "169.254.170.5");
  ASSERT_EQ(plane.opened.size(), 2u);
  EXPECT_EQ(plane.opened[1].address, "169.254.170.1");
  EXPECT_EQ(plane.opened[1].port, 4599);
  EXPECT_EQ(plane.opened[1].kind, "api");
  joined(run_one(), "169.254.170.6");
  EXPECT_EQ(plane.opened.size(), 2u);  // open already

  Json td = web_definition("own-endpoint");
  td["containerDefinitions"][0]["environment"] = Json::array({{{"name", "AWS_ENDPOINT_URL"}, {"value", "http://mine"}}});
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", td).ok());
  const std::string own = run_one({{"taskDefinition", "own-endpoint"}});
  EXPECT_EQ(env_of(runtime.launched(own)->containers[0].create, "AWS_ENDPOINT_URL"), "http://mine");  // the user's wins

  h.ecs_provider().on_reset();  // reset closes every listener: the next task opens it again
  ASSERT_TRUE(h.ecs("CreateCluster").ok());
  ASSERT_TRUE(h.ecs("RegisterTaskDefinition", web_definition()).ok());
  joined(run_one(), "169.254.170.7");
  EXPECT_EQ(plane.opened.size(), 3u);
}

TEST(TaskEndpointIds, ShapesAndTimes) {
  EXPECT_EQ(endpoint_route("default"), endpoint_route("default"));
  EXPECT_NE(endpoint_route("default"), endpoint_route("other"));
  EXPECT_TRUE(std::regex_match(endpoint_route("x"), std::regex("[0-9a-f]{8}")));
  const std::string a = new_endpoint_id("0badf00d"), b = new_endpoint_id("0badf00d");
  EXPECT_TRUE(std::regex_match(a, std::regex("0badf00d[0-9a-f]{24}")));
  EXPECT_NE(a, b);
  EXPECT_EQ(tmds_time(Clock::time_point(std::chrono::nanoseconds(1690033544913683140LL))), "2023-07-22T13:45:44.913683140Z");
}

}  // namespace
}  // namespace ecslocal::api::ecs
