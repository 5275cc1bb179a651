#include "tests/docker/docker_fixture.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

namespace ecslocal::testing {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<runtime::CurlDockerClient> make_client() {
  auto client = runtime::CurlDockerClient::create();
  return client ? std::move(client).value() : nullptr;
}

// The repository's docker/make-test-images.sh, found from this file's path.
std::filesystem::path image_script() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "docker" /
         "make-test-images.sh";
}

// Builds the offline test image: the repository's script when present, else the minimal recipe.
std::string build_test_image(runtime::DockerClient& docker) {
  std::string command;
  if (std::filesystem::exists(image_script())) {
    command = "ECSLOCAL_TEST_IMAGES=busybox bash '" + image_script().string() + "' >&2";  // only busybox's
  } else {
    command =
        "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; mkdir -p $d/bin && cp /bin/busybox $d/bin/ && "
        "(cd $d/bin && for a in sh httpd sleep echo cat wget nc mkdir seq tr printf true; do ln -s busybox $a; done) && "
        "tar -C $d -c . | docker import --change 'CMD [\"/bin/sh\"]' - ecslocal-test/busybox:latest >/dev/null";
  }
  std::fprintf(stderr, "[docker tests] %s is missing, building it\n", test_image);
  int status = std::system(command.c_str());
  if (status != 0) return "building " + std::string(test_image) + " failed (" + command + ")";
  if (!docker.inspect_image(test_image)) return std::string(test_image) + " is still missing after building it";
  return "";
}

DockerAvailability check_availability() {
  DockerAvailability out;
  out.run_label = "run-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}() % 100000);
  const char* skip = std::getenv("ECSLOCAL_SKIP_DOCKER_TESTS");
  if (skip != nullptr && std::string(skip) == "1") {
    out.skip = true;
    out.problem = "ECSLOCAL_SKIP_DOCKER_TESTS=1: the Docker tests are off for this run";
    return out;
  }
  auto client = runtime::CurlDockerClient::create();
  if (!client) {
    out.problem = "DOCKER_HOST is unusable: " + client.error().describe();
    return out;
  }
  auto& docker = *client.value();
  if (auto ping = docker.ping(); !ping) {
    out.problem = "no Docker daemon answers at " + docker.endpoint().display + " (" + ping.error().describe() +
                  "). Start dockerd, or set ECSLOCAL_SKIP_DOCKER_TESTS=1 to skip these tests on purpose.";
    return out;
  }
  if (auto image = docker.inspect_image(test_image); !image) out.problem = build_test_image(docker);
  return out;
}

class DockerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const auto& availability = docker_availability();
    if (availability.skip) GTEST_SKIP() << availability.problem;
    // Non-fatal, so that every test still runs and fails with the reason too (a fatal failure
    // here would list the tests as skipped).
    EXPECT_TRUE(availability.problem.empty()) << availability.problem;
  }
  void TearDown() override {
    const auto& availability = docker_availability();
    if (!availability.problem.empty()) return;
    auto client = make_client();
    if (!client) return;
    std::vector<std::string> filter{runtime::labels::filter(runtime::labels::test, availability.run_label)};
    if (auto left = client->list_containers({true, filter}); left && !left->empty()) {
      ADD_FAILURE() << left->size() << " container(s) of this run were left behind";
      for (const auto& c : *left) client->remove_container(c.id, {true, true});
    }
    if (auto left = client->list_networks(filter); left) {
      for (const auto& n : *left) client->remove_network(n.id);
    }
  }
};

[[maybe_unused]] auto* const environment = ::testing::AddGlobalTestEnvironment(new DockerEnvironment);

}  // namespace

bool subnets_overlap(const std::string& a, const std::string& b) {
  auto parse = [](const std::string& cidr, unsigned& base, unsigned& prefix) {
    unsigned o[4] = {0, 0, 0, 0};
    prefix = 32;
    if (std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%u", &o[0], &o[1], &o[2], &o[3], &prefix) < 4) return false;
    base = (o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3];
    return true;
  };
  unsigned base_a = 0, prefix_a = 0, base_b = 0, prefix_b = 0;
  if (!parse(a, base_a, prefix_a) || !parse(b, base_b, prefix_b)) return false;
  unsigned prefix = std::min(prefix_a, prefix_b);
  unsigned mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
  return (base_a & mask) == (base_b & mask);
}

const DockerAvailability& docker_availability() {
  static const DockerAvailability availability = check_availability();
  return availability;
}

std::string millis(std::chrono::steady_clock::duration d) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", std::chrono::duration<double, std::milli>(d).count());
  return buffer;
}

void DockerTest::SetUp() {
  const auto& availability = docker_availability();
  if (availability.skip) GTEST_SKIP() << availability.problem;
  ASSERT_TRUE(availability.problem.empty()) << availability.problem;
  client_ = make_client();
  ASSERT_TRUE(client_);
}

void DockerTest::TearDown() {
  if (!client_) return;
  for (const auto& id : containers_) client_->remove_container(id, {true, true});
  sweep();
  for (const auto& id : networks_) client_->remove_network(id);
}

void DockerTest::sweep() {
  std::vector<std::string> filter{runtime::labels::filter(runtime::labels::test, docker_availability().run_label)};
  if (auto left = client_->list_containers({true, filter})) {
    for (const auto& c : *left) client_->remove_container(c.id, {true, true});
  }
  if (auto left = client_->list_networks(filter)) {
    for (const auto& n : *left) client_->remove_network(n.id);
  }
}

runtime::Labels DockerTest::test_labels(const runtime::Labels& extra) const {
  runtime::Labels out = extra;
  out[std::string(runtime::labels::managed)] = std::string(runtime::labels::managed_value);
  out[std::string(runtime::labels::test)] = docker_availability().run_label;
  return out;
}

std::string DockerTest::unique_name(const std::string& what) const {
  static int counter = 0;
  return "ecslocal-test-" + docker_availability().run_label + "-" + what + "-" + std::to_string(++counter);
}

runtime::ContainerCreateSpec DockerTest::container_spec(std::vector<std::string> cmd) const {
  runtime::ContainerCreateSpec spec;
  spec.name = unique_name("c");
  spec.image = test_image;
  spec.cmd = std::move(cmd);
  spec.labels = test_labels();
  return spec;
}

std::string DockerTest::create(const runtime::ContainerCreateSpec& spec) {
  auto id = client_->create_container(spec);
  EXPECT_TRUE(id.ok()) << "create " << spec.name << ": " << (id ? "" : id.error().describe());
  if (!id) return "";
  containers_.push_back(*id);
  return *id;
}

std::string DockerTest::create_and_start(const runtime::ContainerCreateSpec& spec) {
  auto id = create(spec);
  if (id.empty()) return id;
  auto started = client_->start_container(id);
  EXPECT_TRUE(started.ok()) << "start " << spec.name << ": " << (started ? "" : started.error().describe());
  return id;
}

std::string DockerTest::create_network(std::string* subnet_out, std::string* gateway_out) {
  std::vector<std::string> taken;
  if (auto all = client_->list_networks({})) {
    for (const auto& n : *all) taken.insert(taken.end(), n.subnets.begin(), n.subnets.end());
  }
  for (int attempt = 0; attempt < 200; ++attempt) {
    int third = static_cast<int>((::getpid() + attempt * 7) % 250) + 1;
    std::string subnet = "10.213." + std::to_string(third) + ".0/24";
    bool clash = false;
    for (const auto& other : taken) clash = clash || subnets_overlap(subnet, other);
    if (clash) continue;
    runtime::NetworkCreateSpec spec;
    spec.name = unique_name("net");
    spec.subnet = subnet;
    spec.gateway = "10.213." + std::to_string(third) + ".1";
    spec.labels = test_labels();
    auto id = client_->create_network(spec);
    if (!id) {  // another run took it meanwhile: try the next one
      taken.push_back(subnet);
      continue;
    }
    networks_.push_back(*id);
    if (subnet_out) *subnet_out = subnet;
    if (gateway_out) *gateway_out = spec.gateway;
    return *id;
  }
  ADD_FAILURE() << "no free 10.213.x.0/24 subnet for a test network";
  return "";
}

std::optional<runtime::ContainerInfo> DockerTest::wait_exit(const std::string& id, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    auto info = client_->inspect_container(id);
    if (!info) return std::nullopt;
    if (!info->running && info->status != "created") return std::move(info).value();
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

std::vector<std::string> DockerTest::log_lines(const std::string& id) {
  std::vector<std::string> out;
  auto status = client_->stream_logs(id, {}, [&](const runtime::LogLine& line) {
    out.push_back((line.stream == runtime::LogStream::stdout_stream ? "out:" : "err:") + line.text);
  }, {});
  EXPECT_TRUE(status.ok()) << (status ? "" : status.error().describe());
  return out;
}

}  // namespace ecslocal::testing
