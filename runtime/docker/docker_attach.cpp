// CurlDockerClient::attach_stdin: POST /containers/{id}/attach?stream=1&stdin=1, hijacked on a
// plain socket (hijack.hpp). Once Docker accepted it the socket is kept open, writing nothing: the
// container's stdin stays open while the socket does. The kernel closes it when the process dies.
#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/hijack.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {
namespace {

class SocketStdin final : public AttachedStdin {
 public:
  explicit SocketStdin(hijack::Fd fd) : fd_(std::move(fd)) {}
  void close() override { fd_.reset(); }

 private:
  hijack::Fd fd_;
};

}  // namespace

DockerResult<std::unique_ptr<AttachedStdin>> CurlDockerClient::attach_stdin(const std::string& id) {
  std::string target = api_prefix() + "/containers/" + path_segment(id) + "/attach?stream=1&stdin=1";
  auto hijacked = hijack::post(endpoint(), target, "", options_.timeouts.connect + std::chrono::seconds(10));
  if (!hijacked) return hijacked.error();
  return std::unique_ptr<AttachedStdin>(std::make_unique<SocketStdin>(std::move(hijacked->socket)));
}

}  // namespace ecslocal::runtime
