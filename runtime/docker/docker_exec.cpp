// CurlDockerClient's exec calls (ECS Exec): create, start (hijacked on a plain socket, hijack.hpp),
// resize the pty, inspect. There are no exec entries in the DockerTimeouts table: create borrows
// create_container's limit, start and resize start_container's (Docker holds a resize until the
// process has started), inspect inspect_container's.
#include <utility>

#include "runtime/docker/curl_docker_client.hpp"
#include "runtime/docker/docker_json.hpp"
#include "runtime/docker/hijack.hpp"
#include "runtime/docker/url.hpp"

namespace ecslocal::runtime {

using docker_json::Json;

namespace {

class SocketExecStream final : public ExecStream {
 public:
  SocketExecStream(hijack::Fd fd, std::string buffered) : fd_(std::move(fd)), buffered_(std::move(buffered)) {}
  int fd() const override { return fd_.get(); }
  std::string take_buffered() override { return std::exchange(buffered_, std::string()); }
  int release() override { return fd_.release(); }
  void close() override { fd_.reset(); }

 private:
  hijack::Fd fd_;
  std::string buffered_;
};

Json exec_create_body(const ExecCreateSpec& spec) {
  Json body = {{"AttachStdin", true}, {"AttachStdout", true}, {"AttachStderr", true},
               {"Tty", spec.tty},     {"Cmd", spec.cmd}};
  if (spec.console_size) body["ConsoleSize"] = {spec.console_size->first, spec.console_size->second};
  if (!spec.env.empty()) body["Env"] = spec.env;
  if (!spec.user.empty()) body["User"] = spec.user;
  if (!spec.working_dir.empty()) body["WorkingDir"] = spec.working_dir;
  return body;
}

ExecState parse_exec_state(const Json& doc) {
  ExecState state;
  state.running = docker_json::get_bool(doc, "Running");
  if (auto code = doc.is_object() ? doc.find("ExitCode") : doc.end(); code != doc.end() && code->is_number()) {
    state.exit_code = code->get<int>();
  }
  state.pid = static_cast<int>(docker_json::get_int(doc, "Pid"));
  return state;
}

}  // namespace

DockerResult<std::string> CurlDockerClient::create_exec(const std::string& container, const ExecCreateSpec& spec) {
  auto request = make_request(DockerOp::create_container, "POST", "/containers/" + path_segment(container) + "/exec",
                              exec_create_body(spec).dump());
  auto id = call_json<std::string>(request, [](const Json& doc) { return docker_json::get_string(doc, "Id"); });
  if (id && id->empty()) return docker_error(DockerErrorKind::protocol, "Docker created an exec without an id");
  return id;
}

DockerResult<std::unique_ptr<ExecStream>> CurlDockerClient::start_exec(const std::string& exec_id) {
  // The start's Tty, not the create's, decides whether Docker multiplexes the output: ask for
  // the one the exec was created with (and learn early of an unknown id).
  auto request = make_request(DockerOp::inspect_container, "GET", "/exec/" + path_segment(exec_id) + "/json");
  auto tty = call_json<bool>(request, [](const Json& doc) {
    return docker_json::get_bool(docker_json::get_object(doc, "ProcessConfig"), "tty");
  });
  if (!tty) return tty.error();
  Json body = {{"Detach", false}, {"Tty", *tty}};
  std::string target = api_prefix() + "/exec/" + path_segment(exec_id) + "/start";
  auto hijacked = hijack::post(endpoint(), target, body.dump(), options_.timeouts[DockerOp::start_container]);
  if (!hijacked) return hijacked.error();
  return std::unique_ptr<ExecStream>(
      std::make_unique<SocketExecStream>(std::move(hijacked->socket), std::move(hijacked->buffered)));
}

DockerStatus CurlDockerClient::resize_exec(const std::string& exec_id, int cols, int rows) {
  QueryString query;
  query.add_int("h", rows).add_int("w", cols);
  auto response = call(make_request(DockerOp::start_container, "POST",
                                    "/exec/" + path_segment(exec_id) + "/resize" + query.str()));
  if (!response) return response.error();
  return docker_ok();
}

DockerResult<ExecState> CurlDockerClient::inspect_exec(const std::string& exec_id) {
  auto request = make_request(DockerOp::inspect_container, "GET", "/exec/" + path_segment(exec_id) + "/json");
  return call_json<ExecState>(request, parse_exec_state);
}

}  // namespace ecslocal::runtime
