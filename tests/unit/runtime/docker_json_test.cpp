#include "runtime/docker/docker_json.hpp"

#include <gtest/gtest.h>

#include "runtime/docker/docker_time.hpp"

namespace ecslocal::runtime {
namespace {

using docker_json::Json;

ContainerCreateSpec full_spec() {
  ContainerCreateSpec spec;
  spec.name = "web";
  spec.image = "nginx:1.25";
  spec.cmd = std::vector<std::string>{"nginx", "-g", "daemon off;"};
  spec.entrypoint = std::vector<std::string>{"/docker-entrypoint.sh"};
  spec.env = {"A=1", "B=two words"};
  spec.working_dir = "/srv";
  spec.user = "1000:1000";
  spec.labels = {{"ecslocal.managed", "true"}};
  spec.hostname = "ip-10-0-0-5";
  spec.stop_timeout_s = 30;
  spec.health_check = HealthCheck{{"CMD-SHELL", "wget -q localhost"}, 5000000000LL, 2000000000LL, 10000000000LL, 3};
  spec.network_mode = "ecslocal-vpc";
  spec.endpoint = EndpointSpec{"ecslocal-vpc", "172.31.0.10", {"web"}};
  spec.port_bindings = {{80, "tcp", "127.0.0.2", 8080}, {53, "udp", "", 0}};
  spec.cpu_shares = 256;
  spec.nano_cpus = 500000000;
  spec.memory_bytes = 512LL << 20;
  spec.memory_reservation_bytes = 256LL << 20;
  spec.ulimits = {{"nofile", 1024, 4096}};
  spec.read_only_rootfs = true;
  spec.init = true;
  spec.mounts = {{Mount::Type::bind, "/host/data", "/data", true, {}},
                 {Mount::Type::volume, "", "/cache", false, {{"ecslocal.managed", "true"}}}};
  spec.extra_hosts = {"db:10.0.0.9"};
  spec.dns = {"10.0.0.2"};
  return spec;
}

TEST(DockerJson, ContainerCreateBodyCarriesEveryField) {
  Json body = docker_json::container_create_body(full_spec());
  EXPECT_EQ(body["Image"], "nginx:1.25");
  EXPECT_EQ(body["Cmd"], Json({"nginx", "-g", "daemon off;"}));
  EXPECT_EQ(body["Entrypoint"], Json({"/docker-entrypoint.sh"}));
  EXPECT_EQ(body["Env"], Json({"A=1", "B=two words"}));
  EXPECT_EQ(body["WorkingDir"], "/srv");
  EXPECT_EQ(body["User"], "1000:1000");
  EXPECT_EQ(body["Labels"]["ecslocal.managed"], "true");
  EXPECT_EQ(body["Hostname"], "ip-10-0-0-5");
  EXPECT_EQ(body["StopTimeout"], 30);
  EXPECT_EQ(body["Healthcheck"], Json::parse(R"({"Test":["CMD-SHELL","wget -q localhost"],"Interval":5000000000,
      "Timeout":2000000000,"StartPeriod":10000000000,"Retries":3})"));
  EXPECT_EQ(body["ExposedPorts"], Json::parse(R"({"80/tcp":{},"53/udp":{}})"));
  const Json& host = body["HostConfig"];
  EXPECT_EQ(host["NetworkMode"], "ecslocal-vpc");
  EXPECT_EQ(host["PortBindings"], Json::parse(R"({"80/tcp":[{"HostIp":"127.0.0.2","HostPort":"8080"}],
      "53/udp":[{"HostIp":"","HostPort":""}]})"));
  EXPECT_EQ(host["CpuShares"], 256);
  EXPECT_EQ(host["NanoCpus"], 500000000);
  EXPECT_EQ(host["Memory"], 512LL << 20);
  EXPECT_EQ(host["MemoryReservation"], 256LL << 20);
  EXPECT_EQ(host["Ulimits"], Json::parse(R"([{"Name":"nofile","Soft":1024,"Hard":4096}])"));
  EXPECT_EQ(host["ReadonlyRootfs"], true);
  EXPECT_EQ(host["Init"], true);
  EXPECT_EQ(host["Mounts"], Json::parse(R"([{"Type":"bind","Source":"/host/data","Target":"/data","ReadOnly":true},
      {"Type":"volume","Target":"/cache","ReadOnly":false,"VolumeOptions":{"Labels":{"ecslocal.managed":"true"}}}])"));
  EXPECT_EQ(host["ExtraHosts"], Json({"db:10.0.0.9"}));
  EXPECT_EQ(host["Dns"], Json({"10.0.0.2"}));
  EXPECT_EQ(body["NetworkingConfig"], Json::parse(R"({"EndpointsConfig":{"ecslocal-vpc":
      {"IPAMConfig":{"IPv4Address":"172.31.0.10"},"Aliases":["web"]}}})"));
}

TEST(DockerJson, AMinimalSpecLeavesDockersDefaults) {
  ContainerCreateSpec spec;
  spec.image = "busybox";
  spec.network_mode = "container:abc123";
  Json body = docker_json::container_create_body(spec);
  EXPECT_EQ(body, Json::parse(R"({"Image":"busybox","HostConfig":{"NetworkMode":"container:abc123"}})"));
  spec.cmd = std::vector<std::string>{};  // set but empty: Docker is told "no command"
  EXPECT_EQ(docker_json::container_create_body(spec)["Cmd"], Json::array());
}

TEST(DockerJson, AnAttachableStdinAndAutoRemove) {
  ContainerCreateSpec spec;
  spec.image = "ecslocal/pause:x";
  spec.open_stdin = true;
  spec.stdin_once = true;
  spec.auto_remove = true;
  Json body = docker_json::container_create_body(spec);
  EXPECT_EQ(body["OpenStdin"], true);
  EXPECT_EQ(body["StdinOnce"], true);
  EXPECT_EQ(body["HostConfig"]["AutoRemove"], true);
}

// Recorded from Docker 20.10 (trimmed): a running container on a user network with a fixed IP
// and a published port.
const char* recorded_inspect = R"({"Id": "14d907f039ef5adc3c29f8b22d06b31fd1c880003d867f3b14dbcc06c3e0adc1",
 "Created": "2026-11-22T13:47:18.856438703Z", "Name": "/upbeat_lederberg",
 "Image": "sha256:fb40cc2fabe560c1aa418ca5793f5120754b4b1b087f70ce54963b601b6f0ad8",
 "State": {"Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false,
   "Dead": false, "Pid": 16902, "ExitCode": 0, "Error": "", "StartedAt": "2026-11-22T13:47:19.337946785Z",
   "FinishedAt": "0001-01-01T00:00:00Z", "Health": {"Status": "healthy", "FailingStreak": 0, "Log": []}},
 "Config": {"Image": "ecslocal-test/busybox:latest", "Labels": {"ecslocal.test": "rec3",
   "ecslocal.test-image": "true"}, "Tty": false, "Hostname": "14d907f039ef"},
 "HostConfig": {"NetworkMode": "rec3-net"},
 "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}], "9000/tcp": null},
   "MacAddress": "", "Networks": {"rec3-net": {"IPAMConfig": {"IPv4Address": "10.98.0.7"}, "Links": null,
   "Aliases": ["14d907f039ef"], "NetworkID": "c0004f2786014d8147af5390644b32151caa8aa91f9502a7b0e276a87a4bcb92",
   "EndpointID": "658292646a67", "Gateway": "10.98.0.1", "IPAddress": "10.98.0.7", "IPPrefixLen": 24,
   "MacAddress": "02:42:0a:62:00:07", "DriverOpts": null}}}})";

TEST(DockerJson, ParsesARecordedInspect) {
  ContainerInfo info = docker_json::parse_container_info(Json::parse(recorded_inspect));
  EXPECT_EQ(info.id, "14d907f039ef5adc3c29f8b22d06b31fd1c880003d867f3b14dbcc06c3e0adc1");
  EXPECT_EQ(info.name, "upbeat_lederberg");
  EXPECT_EQ(info.image, "ecslocal-test/busybox:latest");
  EXPECT_EQ(info.image_id, "sha256:fb40cc2fabe560c1aa418ca5793f5120754b4b1b087f70ce54963b601b6f0ad8");
  EXPECT_EQ(info.status, "running");
  EXPECT_TRUE(info.running);
  EXPECT_FALSE(info.oom_killed);
  EXPECT_EQ(info.pid, 16902);
  EXPECT_EQ(info.started_nano, parse_docker_time("2026-11-22T13:47:19.337946785Z"));
  EXPECT_FALSE(info.finished_nano.has_value());
  EXPECT_EQ(info.health_status, "healthy");
  EXPECT_EQ(info.network_mode, "rec3-net");
  EXPECT_EQ(info.mac_address, "02:42:0a:62:00:07");  // the network's, the top level being empty
  ASSERT_EQ(info.networks.count("rec3-net"), 1u);
  const auto& net = info.networks.at("rec3-net");
  EXPECT_EQ(net.ipv4_address, "10.98.0.7");
  EXPECT_EQ(net.ipv4_prefix_len, 24);
  EXPECT_EQ(net.gateway, "10.98.0.1");
  ASSERT_EQ(info.ports.size(), 1u);
  EXPECT_EQ(info.ports[0].container_port, 8080);
  EXPECT_EQ(info.ports[0].host_ip, "127.0.0.1");
  EXPECT_EQ(info.ports[0].host_port, 32768);
  EXPECT_EQ(info.labels.at("ecslocal.test"), "rec3");
}

TEST(DockerJson, NullsAndMissingMembersLeaveDefaults) {
  ContainerInfo info = docker_json::parse_container_info(
      Json::parse(R"({"Id":"x","Config":{"Labels":null},"State":null,"NetworkSettings":{"Networks":null}})"));
  EXPECT_EQ(info.id, "x");
  EXPECT_TRUE(info.labels.empty());
  EXPECT_TRUE(info.networks.empty());
  EXPECT_FALSE(info.running);
  EXPECT_EQ(docker_json::parse_container_info(Json::array()).id, "");
}

TEST(DockerJson, ContainerStatsOfCgroupV1AndV2) {
  // cgroup v1 (this host): page cache is stats.cache.
  auto v1 = docker_json::parse_container_usage(Json::parse(R"({"read":"2026-12-07T03:00:00Z",
      "cpu_stats":{"cpu_usage":{"total_usage":123456789,"usage_in_kernelmode":1000},"system_cpu_usage":99},
      "precpu_stats":{"cpu_usage":{"total_usage":0}},
      "memory_stats":{"usage":10485760,"limit":536870912,"stats":{"cache":2097152,"rss":8388608}}})"));
  EXPECT_EQ(v1.cpu_total_ns, 123456789u);
  EXPECT_EQ(v1.memory_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(v1.memory_limit, 536870912u);
  // cgroup v2: inactive_file.
  auto v2 = docker_json::parse_container_usage(Json::parse(R"({"cpu_stats":{"cpu_usage":{"total_usage":5}},
      "memory_stats":{"usage":3000,"limit":9000,"stats":{"inactive_file":1000,"anon":2000}}})"));
  EXPECT_EQ(v2.cpu_total_ns, 5u);
  EXPECT_EQ(v2.memory_bytes, 2000u);
  // A stopped container's stats are empty objects: zeros, no crash.
  auto empty = docker_json::parse_container_usage(Json::parse(R"({"cpu_stats":{},"memory_stats":{}})"));
  EXPECT_EQ(empty.cpu_total_ns, 0u);
  EXPECT_EQ(empty.memory_bytes, 0u);
}

TEST(DockerJson, NetworksBothWays) {
  NetworkCreateSpec spec{"vpc-1", "bridge", "172.31.0.0/16", "172.31.0.1", false, false, {{"ecslocal.managed", "true"}}, {}};
  EXPECT_EQ(docker_json::network_create_body(spec), Json::parse(R"({"Name":"vpc-1","Driver":"bridge",
      "CheckDuplicate":true,"Internal":false,"Attachable":false,"Labels":{"ecslocal.managed":"true"},
      "IPAM":{"Driver":"default","Config":[{"Subnet":"172.31.0.0/16","Gateway":"172.31.0.1"}]}})"));
  NetworkInfo info = docker_json::parse_network_info(Json::parse(R"({"Name":"rec3-net","Id":"c0004f",
      "Scope":"local","Driver":"bridge","IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"10.98.0.0/24"}]},
      "Internal":false,"Containers":{"14d907":{"Name":"upbeat_lederberg","MacAddress":"02:42:0a:62:00:07",
      "IPv4Address":"10.98.0.7/24"}},"Labels":{"ecslocal.test":"rec3"}})"));
  EXPECT_EQ(info.name, "rec3-net");
  EXPECT_EQ(info.subnets, std::vector<std::string>{"10.98.0.0/24"});
  EXPECT_TRUE(info.gateways.empty());
  EXPECT_EQ(info.containers.at("14d907").ipv4_address, "10.98.0.7");
  EXPECT_EQ(info.labels.at("ecslocal.test"), "rec3");
  EXPECT_EQ(docker_json::network_connect_body("c1", {"", "10.0.0.3", {}}),
            Json::parse(R"({"Container":"c1","EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.0.0.3"}}})"));
}

TEST(DockerJson, ErrorsAndPullStreamFailures) {
  EXPECT_EQ(docker_json::error_message(R"({"message":"No such container: x"})"), "No such container: x");
  EXPECT_EQ(docker_json::error_message("page not found\n"), "page not found");
  EXPECT_FALSE(docker_json::pull_stream_error(Json::parse(R"({"status":"Downloading","progress":"[=>  ]"})")));
  EXPECT_EQ(docker_json::pull_stream_error(Json::parse(R"({"errorDetail":{"message":"manifest unknown"},
      "error":"manifest unknown, short form"})")), "manifest unknown");
  EXPECT_EQ(docker_json::pull_stream_error(Json::parse(R"({"error":"denied"})")), "denied");
}

TEST(DockerJson, RegistryAuthIsBase64UrlJson) {
  // {"password":"p?>","serveraddress":"r","username":"u"} — '?' and '>' exercise the URL alphabet.
  auto header = docker_json::registry_auth_header({"u", "p?>", "r"});
  EXPECT_EQ(header.find_first_of("+/"), std::string::npos);
  EXPECT_EQ(header, "eyJwYXNzd29yZCI6InA_PiIsInNlcnZlcmFkZHJlc3MiOiJyIiwidXNlcm5hbWUiOiJ1In0=");
}

}  // namespace
}  // namespace ecslocal::runtime
