// The stats paths of the task metadata endpoint (spec discovery-secrets-metadata-exec.md §4.3):
// Docker's one-shot stats shaped as the agent serves them (the task's interface as eth1, precpu and
// network_rate_stats from the container's previous sample), /task/stats keyed by DockerId, the
// agent's errors, and that the two-pass protocol (stats_of, then serve_stats) keeps ids the only key.
#include <regex>

#include "api/ecs/task_endpoints.hpp"
#include "api/ecs/task_stats.hpp"
#include "tests/unit/api/ecs/task_ops_fixture.hpp"

namespace ecslocal::api::ecs {
namespace {

// A document as Docker 28 sends it for a container in an awsvpc task: eth0 on the task's network,
// eth1 on the task endpoints network.
Json docker_stats(const std::string& id, const std::string& read, std::uint64_t rx, std::uint64_t tx,
                  std::uint64_t cpu_total) {
  Json doc = Json::parse(R"({
    "preread": "0001-01-01T00:00:00Z",
    "pids_stats": {"current": 3},
    "blkio_stats": {"io_service_bytes_recursive": []},
    "num_procs": 0,
    "storage_stats": {},
    "precpu_stats": {"cpu_usage": {"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
                     "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}},
    "memory_stats": {"usage": 360448, "limit": 536870912, "stats": {"inactive_file": 0}}
  })");
  doc["read"] = read;
  doc["id"] = id;
  doc["name"] = "/ecslocal-task-" + id;
  doc["cpu_stats"] = {{"cpu_usage", {{"total_usage", cpu_total}, {"usage_in_kernelmode", 10000000}}},
                      {"system_cpu_usage", 143907930000000ULL + cpu_total},
                      {"online_cpus", 2}};
  doc["networks"] = {{"eth0", {{"rx_bytes", rx}, {"rx_packets", 11}, {"tx_bytes", tx}, {"tx_packets", 4}}},
                     {"eth1", {{"rx_bytes", 952}, {"rx_packets", 10}, {"tx_bytes", 77}, {"tx_packets", 1}}}};
  return doc;
}

TEST(ContainerStatsShaper, TheTaskInterfaceIsEth1AndTheFirstSampleHasZeroRates) {
  ContainerStatsShaper shaper;
  const Clock::time_point now = Clock::now();
  const Json docker = docker_stats("abc", "2026-12-07T22:37:13.559332778Z", 1006, 300, 32908631);
  Json out = shaper.shape("abc", docker, "eth0", true, now);
  // The task's interface (eth0 in the namespace) under Fargate's name; the endpoints one is gone.
  ASSERT_TRUE(out["networks"].is_object());
  EXPECT_EQ(out["networks"].size(), 1u);
  EXPECT_EQ(out["networks"]["eth1"], docker["networks"]["eth0"]);
  // Rates: floats, 0 with nothing to compare with.
  ASSERT_TRUE(out["network_rate_stats"].is_object());
  EXPECT_TRUE(out["network_rate_stats"]["rx_bytes_per_sec"].is_number_float());
  EXPECT_TRUE(out["network_rate_stats"]["tx_bytes_per_sec"].is_number_float());
  EXPECT_EQ(out["network_rate_stats"]["rx_bytes_per_sec"].get<double>(), 0.0);
  EXPECT_EQ(out["network_rate_stats"]["tx_bytes_per_sec"].get<double>(), 0.0);
  EXPECT_NE(out.dump().find("\"rx_bytes_per_sec\":0.0"), std::string::npos) << out.dump();
  // Everything else is Docker's.
  for (const char* member : {"read", "preread", "pids_stats", "blkio_stats", "num_procs", "storage_stats", "cpu_stats",
                             "precpu_stats", "memory_stats", "name", "id"})
    EXPECT_EQ(out[member], docker[member]) << member;
  EXPECT_EQ(out.size(), docker.size() + 1);  // + network_rate_stats
  EXPECT_EQ(shaper.remembered(), 1u);
}

TEST(ContainerStatsShaper, RatesAndPrecpuComeFromTheContainersPreviousSample) {
  ContainerStatsShaper shaper;
  const Clock::time_point now = Clock::now();
  const Json first = docker_stats("abc", "2026-12-07T22:37:13.500000000Z", 1000, 300, 5000000);
  shaper.shape("abc", first, "eth0", true, now);
  // Another container's sample in between changes nothing for this one.
  shaper.shape("other", docker_stats("other", "2026-12-07T22:37:14.000000000Z", 9999999, 9999999, 1), "eth0", true, now);
  // 2.5 s later: 5000 bytes in, 1250 out on the task's interface (the endpoints one moves too, and is not counted).
  Json second_in = docker_stats("abc", "2026-12-07T22:37:16.000000000Z", 6000, 1550, 9000000);
  second_in["networks"]["eth1"]["rx_bytes"] = 500000;
  Json second = shaper.shape("abc", second_in, "eth0", true, now + std::chrono::seconds(3));
  EXPECT_DOUBLE_EQ(second["network_rate_stats"]["rx_bytes_per_sec"].get<double>(), 2000.0);
  EXPECT_DOUBLE_EQ(second["network_rate_stats"]["tx_bytes_per_sec"].get<double>(), 500.0);
  // Docker's one-shot precpu is empty: the previous sample's cpu_stats and read time, as a stream has.
  EXPECT_EQ(second["precpu_stats"], first["cpu_stats"]);
  EXPECT_EQ(second["preread"], "2026-12-07T22:37:13.500000000Z");
  EXPECT_EQ(second["cpu_stats"], second_in["cpu_stats"]);

  // The same sample again (same read time): the rates it had; counters going back: 0, not a wrap.
  Json again = shaper.shape("abc", second_in, "eth0", true, now + std::chrono::seconds(4));
  EXPECT_DOUBLE_EQ(again["network_rate_stats"]["rx_bytes_per_sec"].get<double>(), 2000.0);
  Json back = shaper.shape("abc", docker_stats("abc", "2026-12-07T22:37:17.000000000Z", 10, 10, 9500000), "eth0", true,
                           now + std::chrono::seconds(5));
  EXPECT_EQ(back["network_rate_stats"]["rx_bytes_per_sec"].get<double>(), 0.0);
  EXPECT_EQ(back["network_rate_stats"]["tx_bytes_per_sec"].get<double>(), 0.0);

  // Docker's own precpu, when it sent one, is kept.
  Json streamed = docker_stats("abc", "2026-12-07T22:37:18.000000000Z", 20, 20, 9600000);
  streamed["precpu_stats"]["system_cpu_usage"] = 42;
  EXPECT_EQ(shaper.shape("abc", streamed, "eth0", true, now + std::chrono::seconds(6))["precpu_stats"]["system_cpu_usage"], 42);

  // Samples not refreshed for an hour are forgotten.
  EXPECT_EQ(shaper.remembered(), 2u);
  shaper.shape("abc", docker_stats("abc", "2026-12-07T23:40:00.000000000Z", 20, 20, 9700000), "eth0", true,
               now + std::chrono::hours(1) + std::chrono::seconds(1));
  EXPECT_EQ(shaper.remembered(), 1u);
}

TEST(ContainerStatsShaper, V3HasNoRatesAndAnUnknownInterfaceKeepsDockersNetworks) {
  ContainerStatsShaper shaper;
  const Clock::time_point now = Clock::now();
  const Json docker = docker_stats("abc", "2026-12-07T22:37:13Z", 1, 2, 3);
  Json v3 = shaper.shape("abc", docker, "eth0", false, now);
  EXPECT_FALSE(v3.contains("network_rate_stats"));
  EXPECT_EQ(v3["networks"], Json({{"eth1", docker["networks"]["eth0"]}}));
  Json unknown = shaper.shape("xyz", docker, "", true, now);
  EXPECT_EQ(unknown["networks"], docker["networks"]);
  // No networks at all (Docker omits them): no rates either, as the agent.
  Json bare = docker;
  bare.erase("networks");
  EXPECT_FALSE(shaper.shape("bare", bare, "eth0", true, now).contains("network_rate_stats"));
}

TEST(ContainerStatsShaper, DockerTimes) {
  std::int64_t ns = 0;
  ASSERT_TRUE(parse_docker_time("2023-07-22T13:45:44.913683140Z", ns));
  EXPECT_EQ(ns, 1690033544913683140LL);
  ASSERT_TRUE(parse_docker_time("2023-07-22T13:45:44Z", ns));
  EXPECT_EQ(ns, 1690033544000000000LL);
  ASSERT_TRUE(parse_docker_time("2023-07-22T15:45:44.5+02:00", ns));
  EXPECT_EQ(ns, 1690033544500000000LL);
  EXPECT_FALSE(parse_docker_time("0001-01-01T00:00:00Z", ns));  // Docker's zero time
  EXPECT_FALSE(parse_docker_time("2023-07-22 13:45:44Z", ns));
  EXPECT_FALSE(parse_docker_time("", ns));
}

class TaskStatsTest : public TaskOpsTest {
 protected:
  TaskEndpoints& endpoints() { return h.ecs_provider().endpoints(); }
  // The path of a metadata URI variable of a container ("http://169.254.170.2/v4/<id>" → "/v4/<id>").
  std::string uri_path(const std::string& arn, const std::string& container,
                       const std::string& var = "ECS_CONTAINER_METADATA_URI_V4") {
    for (const auto& c : runtime.launched(arn)->containers) {
      if (c.name != container) continue;
      for (const auto& e : c.create.env)
        if (e.rfind(var + "=http://169.254.170.2", 0) == 0) return e.substr(var.size() + 1 + 20);
    }
    return "";
  }
  // The first pass, then the second with what the fake Docker has for the ids asked for.
  MetadataReply get(const std::string& path, const std::string& caller = "") {
    MetadataReply first = endpoints().serve("GET", path, caller, now);
    if (first.stats_of.empty()) return first;
    asked.push_back(first.stats_of);
    std::vector<ContainerStatsDocument> docs;
    for (const auto& id : first.stats_of) {
      auto it = docker.find(id);
      if (it == docker.end()) {
        docs.push_back({id, false, {}, "No such container: " + id, {}});
      } else {
        docs.push_back({id, true, it->second.dump(), {}, "eth0"});
      }
    }
    return endpoints().serve_stats("GET", path, caller, std::move(docs), now);
  }
  Json get_json(const std::string& path, int status = 200, const std::string& caller = "") {
    auto r = get(path, caller);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    EXPECT_TRUE(r.stats_of.empty());
    return Json::parse(r.body);
  }
  void joined(const std::string& arn, const std::string& address) {
    auto ready = testing::event(Kind::NetworkReady, arn);
    ready.endpoints_address = address;
    feed(ready);
  }
  std::map<std::string, Json> docker;  // what the fake daemon answers, by Docker id
  std::vector<std::vector<std::string>> asked;
  Clock::time_point now = Clock::now();
};

TEST_F(TaskStatsTest, StatsOfTheCallingContainerAreDockersShapedAsTheAgents) {
  const std::string arn = run_one();
  bring_running(arn);
  docker["app-docker-id"] = docker_stats("app-docker-id", "2026-12-07T22:37:13Z", 1000, 100, 50);
  const std::string v4 = uri_path(arn, "app");
  Json s = get_json(v4 + "/stats");
  EXPECT_EQ(asked.back(), std::vector<std::string>{"app-docker-id"});  // only the caller's container
  EXPECT_EQ(s["id"], "app-docker-id");
  EXPECT_EQ(s["memory_stats"]["usage"], 360448);
  EXPECT_EQ(s["networks"], Json({{"eth1", docker["app-docker-id"]["networks"]["eth0"]}}));
  EXPECT_EQ(s["network_rate_stats"], Json({{"rx_bytes_per_sec", 0.0}, {"tx_bytes_per_sec", 0.0}}));
  // Two seconds later: the rates since the first.
  docker["app-docker-id"] = docker_stats("app-docker-id", "2026-12-07T22:37:15Z", 3000, 500, 90);
  s = get_json(v4 + "/stats/");
  EXPECT_DOUBLE_EQ(s["network_rate_stats"]["rx_bytes_per_sec"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(s["network_rate_stats"]["tx_bytes_per_sec"].get<double>(), 200.0);
  EXPECT_EQ(s["preread"], "2026-12-07T22:37:13Z");
  // v3: Docker's document alone.
  Json v3 = get_json(uri_path(arn, "app", "ECS_CONTAINER_METADATA_URI") + "/stats");
  EXPECT_EQ(v3["id"], "app-docker-id");
  EXPECT_FALSE(v3.contains("network_rate_stats"));
  EXPECT_TRUE(v3["networks"].contains("eth1"));
}

TEST_F(TaskStatsTest, TaskStatsAreKeyedByDockerIdForEveryContainerOfTheTask) {
  const std::string arn = run_one();
  bring_running(arn);
  const std::string other = run_one();  // another task's containers are never asked for through `arn`
  for (const char* name : {"app", "sidecar"}) {
    auto started = testing::event(Kind::ContainerStarted, other, name);
    started.runtime_id = std::string("other-") + name;
    feed(started);
  }
  docker["app-docker-id"] = docker_stats("app-docker-id", "2026-12-07T22:37:13Z", 1, 1, 1);
  docker["sidecar-docker-id"] = docker_stats("sidecar-docker-id", "2026-12-07T22:37:13Z", 1, 1, 2);
  Json t = get_json(uri_path(arn, "sidecar") + "/task/stats");
  EXPECT_EQ(asked.back(), (std::vector<std::string>{"app-docker-id", "sidecar-docker-id"}));
  ASSERT_TRUE(t.is_object());
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t["app-docker-id"]["id"], "app-docker-id");
  EXPECT_EQ(t["sidecar-docker-id"]["id"], "sidecar-docker-id");
  EXPECT_TRUE(t["sidecar-docker-id"]["network_rate_stats"].is_object());
  // A stopped container keeps its key with no stats ({} on v4, null on v3), and Docker is not asked.
  container_stopped(arn, "sidecar", 0);
  t = get_json(uri_path(arn, "app") + "/task/stats");
  EXPECT_EQ(asked.back(), std::vector<std::string>{"app-docker-id"});
  EXPECT_EQ(t["sidecar-docker-id"], Json::object());
  EXPECT_EQ(t["app-docker-id"]["id"], "app-docker-id");
  Json v3 = get_json(uri_path(arn, "app", "ECS_CONTAINER_METADATA_URI") + "/task/stats");
  EXPECT_TRUE(v3["sidecar-docker-id"].is_null());
  EXPECT_FALSE(v3["app-docker-id"].contains("network_rate_stats"));
  // Docker failing for one container: that one empty, the others served.
  docker.erase("app-docker-id");
  t = get_json(uri_path(arn, "app") + "/task/stats");
  EXPECT_EQ(t["app-docker-id"], Json::object());
}

TEST_F(TaskStatsTest, ContainersWithoutStatsGetTheAgentsErrors) {
  const std::string arn = run_one();
  const std::string v4 = uri_path(arn, "app"), v3 = uri_path(arn, "app", "ECS_CONTAINER_METADATA_URI");
  // Not started: no Docker id yet.
  Json e = get_json(v4 + "/stats", 404);
  ASSERT_TRUE(e.is_string());
  EXPECT_EQ(e.get<std::string>().rfind("V4 container stats handler: unable to get container ID from request", 0), 0u) << e;
  EXPECT_EQ(get_json(v4 + "/task/stats"), Json::object());  // no container Docker knows yet
  EXPECT_TRUE(asked.empty());
  bring_running(arn);
  // Docker fails: v4 500, v3 400, a JSON string naming the Docker id.
  e = get_json(v4 + "/stats", 500);
  EXPECT_EQ(e, "Unable to get container stats for: app-docker-id");
  EXPECT_EQ(get_json(v3 + "/stats", 400), "Unable to get container stats for: app-docker-id");
  // A stopped container: the same, without asking Docker.
  const std::size_t asks = asked.size();
  container_stopped(arn, "sidecar", 1);
  EXPECT_EQ(get_json(uri_path(arn, "sidecar") + "/stats", 500), "Unable to get container stats for: sidecar-docker-id");
  EXPECT_EQ(asked.size(), asks);
  // Docker's answer that is no JSON object is a failure too.
  MetadataReply bad = endpoints().serve_stats("GET", v4 + "/stats", "", {{"app-docker-id", true, "[1,2]", {}, "eth0"}}, now);
  EXPECT_EQ(bad.status, 500);
  // serve_stats answers the stats paths only.
  EXPECT_EQ(endpoints().serve_stats("GET", v4 + "/task", "", {}, now).status, 404);
  EXPECT_EQ(endpoints().serve_stats("POST", v4 + "/stats", "", {}, now).status, 405);
}

TEST_F(TaskStatsTest, OtherTasksIdsAreRefusedInBothPasses) {
  const std::string a = run_one();
  bring_running(a);
  const std::string b = run_one();
  bring_running(b);
  joined(a, "169.254.170.7");
  joined(b, "169.254.170.8");
  docker["app-docker-id"] = docker_stats("app-docker-id", "2026-12-07T22:37:13Z", 1, 1, 1);
  const std::string va = uri_path(a, "app");
  EXPECT_EQ(get(va + "/stats", "169.254.170.7").status, 200);
  EXPECT_EQ(get(va + "/stats", "169.254.170.8").status, 404);  // b's address, a's id
  EXPECT_EQ(get(va + "/task/stats", "169.254.170.8").status, 404);
  EXPECT_TRUE(endpoints().serve("GET", va + "/task/stats", "169.254.170.8", now).stats_of.empty());
  // The second pass checks again: a's documents are not handed to b's address.
  std::vector<ContainerStatsDocument> docs{{"app-docker-id", true, docker["app-docker-id"].dump(), {}, "eth0"}};
  EXPECT_EQ(endpoints().serve_stats("GET", va + "/stats", "169.254.170.8", docs, now).status, 404);
  // Unknown ids, and a task stopped between the passes.
  EXPECT_EQ(get(va.substr(0, va.size() - 10) + "0000000000/stats").status, 404);
  EXPECT_TRUE(get_json(va + "x/task/stats", 404).is_string());
  ASSERT_FALSE(endpoints().serve("GET", va + "/stats", "", now).stats_of.empty());
  ASSERT_TRUE(h.ecs("StopTask", {{"task", a}}).ok());
  feed(Kind::TaskStopped, a);
  EXPECT_EQ(endpoints().serve_stats("GET", va + "/stats", "", docs, now).status, 404);
}

}  // namespace
}  // namespace ecslocal::api::ecs
