#pragma once
// The Docker tier's fixture: a real dockerd at DOCKER_HOST (default /var/run/docker.sock).
//
// A test FAILS when no daemon answers — a missing daemon must never pass as a green run — unless
// the run says ECSLOCAL_SKIP_DOCKER_TESTS=1, which skips with the reason. Every object a test
// creates carries ecslocal.managed=true and ecslocal.test=<this run>; each test removes what it
// made and a sweep after every test removes anything else with this run's label.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/labels.hpp"

namespace ecslocal::testing {

inline constexpr const char* test_image = "ecslocal-test/busybox:latest";

// Checked once per process: is there a daemon, and the offline test image?
struct DockerAvailability {
  bool skip = false;       // ECSLOCAL_SKIP_DOCKER_TESTS=1
  std::string problem;     // why the daemon cannot be used; empty when it can
  std::string run_label;   // value of ecslocal.test for this process
};

const DockerAvailability& docker_availability();

class DockerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  runtime::CurlDockerClient& docker() { return *client_; }

  // ecslocal.managed=true, ecslocal.test=<run> (+ extra).
  runtime::Labels test_labels(const runtime::Labels& extra = {}) const;
  // A container of the test image with the test labels and a unique name.
  runtime::ContainerCreateSpec container_spec(std::vector<std::string> cmd) const;
  std::string unique_name(const std::string& what) const;

  // Creates (and remembers, for clean-up) a container; fails the test on error.
  std::string create(const runtime::ContainerCreateSpec& spec);
  std::string create_and_start(const runtime::ContainerCreateSpec& spec);
  // A user-defined bridge network on a free /24 (10.213.x.0/24 or nearby); returns its id.
  std::string create_network(std::string* subnet_out = nullptr, std::string* gateway_out = nullptr);

  // Polls inspect until the container is no longer running; the final inspect.
  std::optional<runtime::ContainerInfo> wait_exit(const std::string& id,
                                                  std::chrono::milliseconds limit = std::chrono::seconds(20));
  // Every log line of a container, "out:text" / "err:text".
  std::vector<std::string> log_lines(const std::string& id);

 private:
  void sweep();

  std::unique_ptr<runtime::CurlDockerClient> client_;
  std::vector<std::string> containers_;
  std::vector<std::string> networks_;
};

// Formats a duration for test output: "12.3 ms".
std::string millis(std::chrono::steady_clock::duration d);

// True when two IPv4 CIDRs ("10.1.0.0/24") share an address; false when either does not parse.
bool subnets_overlap(const std::string& a, const std::string& b);

}  // namespace ecslocal::testing
