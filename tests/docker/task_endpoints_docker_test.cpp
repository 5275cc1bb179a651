// The task endpoints relay against the real daemon: a task's container reaches 169.254.170.2:80,
// the shared relay hands the connection to <folder>/<route>.sock (a Unix socket served by the
// test, standing in for ecslocal) with the task's endpoints address as the first header; a route
// no socket serves gets 404 from the relay itself. The folder is the default one every ecslocal
// on the daemon shares (the relay mounts one folder for all of them); the route is this run's.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/ports/task_metadata.hpp"
#include "runtime/task/task_runner.hpp"
#include "tests/docker/docker_fixture.hpp"
#include "tests/fakes/task_event_log.hpp"

#ifndef ECSLOCAL_PAUSE_BINARY_PATH
#define ECSLOCAL_PAUSE_BINARY_PATH ""
#endif

namespace ecslocal::runtime::test {
namespace {

using namespace std::chrono_literals;
using Kind = TaskEvent::Kind;
using testing::docker_availability;
using testing::test_image;

constexpr const char* kFolder = "/tmp/ecslocal-endpoints";

// Answers every connection on a Unix socket with 200 and the request's head as the body.
class SocketServer {
 public:
  explicit SocketServer(std::string path) : path_(std::move(path)) {
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path_.c_str());
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && ::listen(fd_, 8) == 0;
    ::chmod(path_.c_str(), 0666);
    if (ok_) thread_ = std::thread([this] { serve(); });
  }
  ~SocketServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
    ::unlink(path_.c_str());
  }
  bool ok() const { return ok_; }
  std::vector<std::string> heads() {
    std::lock_guard lock(mutex_);
    return heads_;
  }

 private:
  void serve() {
    while (!stop_) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) break;
        head.append(buffer, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        heads_.push_back(head);
      }
      std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      (void)!::write(client, reply.data(), reply.size());
      ::close(client);
    }
  }

  std::string path_;
  int fd_ = -1;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> heads_;
};

class TaskEndpointsDocker : public testing::DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    TaskRunnerOptions options;
    options.instance = run();
    options.pause.binary_path = ECSLOCAL_PAUSE_BINARY_PATH;
    options.docker_host = docker().endpoint().display;
    options.endpoints_socket_dir = kFolder;
    options.on_warning = [](const std::string& text) { std::fprintf(stderr, "[task runner] %s\n", text.c_str()); };
    runner_ = std::make_unique<TaskRunner>(docker(), options);
    runner_->set_event_sink(log_.sink());
    ASSERT_TRUE(runner_->ensure_pause_image().ok());
    runner_->start();
  }
  void TearDown() override {
    if (runner_) runner_->shutdown(true);
    runner_.reset();
    DockerTest::TearDown();
  }
  static std::string run() { return docker_availability().run_label; }

  TaskSpec task(const std::string& key, const std::string& script) {
    TaskSpec spec;
    spec.key = key;
    spec.labels = test_labels({{std::string(labels::task_arn), key}});
    spec.network.network = unique_name("vpc");
    spec.network.cidr = "10.215." + std::to_string(::getpid() % 250 + 1) + ".0/24";
    spec.network.gateway = "10.215." + std::to_string(::getpid() % 250 + 1) + ".1";
    spec.network.network_labels = test_labels();
    TaskContainerSpec c;
    c.name = "app";
    c.create.image = test_image;
    c.create.cmd = std::vector<std::string>{"sh", "-c", script};
    c.stop_timeout_s = 2;
    spec.containers.push_back(c);
    return spec;
  }

  EventLog log_;
  std::unique_ptr<TaskRunner> runner_;
};

TEST_F(TaskEndpointsDocker, TheRelayHandsATasksRequestToItsInstancesSocket) {
  const std::string route = api::endpoint_route(run());
  SocketServer server(std::string(kFolder) + "/" + route + ".sock");
  ASSERT_TRUE(server.ok());
  // 200 through the relay: wget exits 0; a route nobody serves: the relay's 404, wget exits 1.
  runner_->launch(task("t-relay", "wget -qO- http://169.254.170.2/v4/" + route + "0123456789abcdef01234567-0000000001/task && "
                                  "! wget -qO- http://169.254.170.2/v4/ffffffff0123/task"));
  ASSERT_TRUE(log_.wait_container("t-relay", Kind::ContainerStopped, "app", 60s)) << log_.trace("t-relay");
  auto stopped = log_.find("t-relay", Kind::ContainerStopped);
  EXPECT_EQ(stopped->exit_code, 0) << log_.trace("t-relay");
  auto ready = log_.find("t-relay", Kind::NetworkReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->endpoints_address.rfind("169.254.170.", 0), 0u) << ready->endpoints_address;
  auto heads = server.heads();
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].rfind("GET /v4/" + route, 0), 0u) << heads[0];
  const std::string header = "\r\nX-Ecslocal-Task-Address: " + ready->endpoints_address + "\r\n";
  EXPECT_EQ(heads[0].find(header), heads[0].find("\r\n")) << heads[0];  // the first header
  runner_->stop("t-relay");
  ASSERT_TRUE(log_.wait_kind("t-relay", Kind::TaskStopped, 30s));
}

}  // namespace
}  // namespace ecslocal::runtime::test
