#include "server/exec/exec_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <deque>
#include <nlohmann/json.hpp>
#include <random>
#include <spdlog/spdlog.h>
#include <thread>

#include "runtime/docker/docker_client.hpp"
#include "runtime/exec/data_channel.hpp"
#include "runtime/task/blocking_pool.hpp"
#include "server/exec/shell_words.hpp"
#include "server/websocket.hpp"

namespace ecslocal::server {
namespace ssm = runtime::ssm;
using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::size_t chunk_size = 1024;
constexpr std::size_t max_pending_input = 1 << 20;  // keystrokes held until the process starts
constexpr std::size_t max_queued_input = 4 << 20;   // keystrokes the process has not read yet
constexpr auto tick_interval = std::chrono::milliseconds(100);
constexpr auto size_wait = std::chrono::milliseconds(500);  // for the first Size after the handshake

std::string random_text(std::size_t length, std::string_view alphabet) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += alphabet[pick(generator)];
  return out;
}

std::string session_id_from_path(std::string_view target) {
  std::string_view path = target_path(target);
  if (path.substr(0, data_channel_prefix.size()) != data_channel_prefix) return "";
  return std::string(path.substr(data_channel_prefix.size()));
}

}  // namespace

// One session: its data channel, the connection that currently carries it, and the process.
// Everything below runs on the session's strand.
class ExecSession : public std::enable_shared_from_this<ExecSession> {
 public:
  ExecSession(std::weak_ptr<ExecServer> server, net::io_context& ioc, std::string id, api::ExecSessionRequest request,
              const ExecServerOptions& options, runtime::BlockingPool& pool, runtime::DockerClient* docker)
      : server_(std::move(server)),
        strand_(net::make_strand(ioc)),
        id_(std::move(id)),
        request_(std::move(request)),
        options_(options),
        pool_(pool),
        docker_(docker),
        channel_({std::string(ssm::output_stream_data), std::string(ssm::input_stream_data), 2000, 10000,
                  options.max_resends}),
        tick_timer_(strand_),
        descriptor_(strand_) {
    channel_.syn_first = true;
  }

  const std::string& id() const { return id_; }

  void start() {
    net::dispatch(strand_, [self = shared_from_this()] { self->schedule_tick(); });
  }

  // ---- from the websocket connections (any thread) ----
  void on_frame(std::shared_ptr<WebSocketConnection> connection, std::string data, bool binary) {
    net::dispatch(strand_, [self = shared_from_this(), connection = std::move(connection), data = std::move(data),
                            binary]() mutable { self->frame(connection, std::move(data), binary); });
  }
  void on_connection_closed(std::shared_ptr<WebSocketConnection> connection) {
    net::dispatch(strand_, [self = shared_from_this(), connection = std::move(connection)] {
      if (connection != self->connection_) return;
      self->connection_.reset();
      self->detached_since_ = SteadyClock::now();
      if (self->phase_ == Phase::Closed) self->forget();
    });
  }
  // TerminateSession, a Flag message, the idle timeout, a shutdown.
  void end(std::string why) {
    net::dispatch(strand_, [self = shared_from_this(), why = std::move(why)]() mutable { self->terminate(std::move(why)); });
  }

 private:
  enum class Phase { Waiting, Handshaking, SizeWait, Starting, Running, Exiting, Closed };

  void frame(const std::shared_ptr<WebSocketConnection>& connection, std::string data, bool binary) {
    if (phase_ == Phase::Closed) return connection->close();
    if (connection != connection_) return authenticate(connection, data, binary);
    if (!binary) return;  // pings of old clients, a repeated token: nothing to do
    auto received = channel_.receive(data, SteadyClock::now());
    if (!received.error.empty()) {
      spdlog::debug("exec {}: a frame that does not decode ({}): ignored", id_, received.error);
      return;
    }
    for (auto& reply : received.replies) connection_->send(std::move(reply), true);
    for (auto& message : received.deliver) input(message);
    if (received.acknowledged && output_paused_ && channel_.can_send()) {
      output_paused_ = false;
      read_output();
    }
  }

  // The first frame of a connection: {"TokenValue": ...}, text.
  void authenticate(const std::shared_ptr<WebSocketConnection>& connection, const std::string& data, bool binary) {
    auto server = server_.lock();
    Json open = binary ? Json() : Json::parse(data, nullptr, false);
    std::string token = open.is_object() && open.contains("TokenValue") && open["TokenValue"].is_string()
                            ? open["TokenValue"].get<std::string>()
                            : "";
    if (!server || token.empty() || !server->redeem(id_, token)) {
      spdlog::info("exec {}: a data channel without a valid token: closed", id_);
      return connection->close(websocket::close_code::policy_error);
    }
    if (connection_) connection_->close(websocket::close_code::going_away);  // replaced by the resumed one
    connection_ = connection;
    detached_since_.reset();
    touch();
    if (phase_ == Phase::Waiting) return begin();
    for (auto& frame : channel_.unacknowledged_frames(SteadyClock::now())) connection_->send(std::move(frame), true);
  }

  void begin() {
    if (!options_.handshake) return start_process();
    phase_ = Phase::Handshaking;
    handshake_started_ = SteadyClock::now();
    Json request = {{"AgentVersion", "3.3.0.0"},
                    {"RequestedClientActions",
                     Json::array({{{"ActionType", "SessionType"},
                                   {"ActionParameters",
                                    {{"SessionType", "InteractiveCommands"},
                                     {"Properties", {{"linux", {{"commands", request_.command}}}}}}}}})}};
    send_data(ssm::PayloadType::handshake_request, request.dump());
  }

  void input(const ssm::ClientMessage& message) {
    touch();
    switch (message.type()) {
      case ssm::PayloadType::output:
        if (phase_ == Phase::Running) return write_input(message.payload);
        if (pending_input_.size() + message.payload.size() <= max_pending_input) pending_input_ += message.payload;
        return;
      case ssm::PayloadType::size: {
        Json size = Json::parse(message.payload, nullptr, false);
        if (!size.is_object() || !size.contains("cols") || !size.contains("rows") || !size["cols"].is_number_integer() ||
            !size["rows"].is_number_integer())
          return;
        int cols = size["cols"].get<int>(), rows = size["rows"].get<int>();
        if (cols <= 0 || rows <= 0 || cols > 10000 || rows > 10000) return;
        size_ = {cols, rows};
        if (phase_ == Phase::Running) resize();
        if (phase_ == Phase::SizeWait) start_process();
        return;
      }
      case ssm::PayloadType::handshake_response:
        if (phase_ != Phase::Handshaking) return;
        send_data(ssm::PayloadType::handshake_complete,
                  Json{{"HandshakeTimeToComplete",
                        std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - handshake_started_).count()},
                       {"CustomerMessage", ""}}
                      .dump());
        // The plugin sends the terminal's size right after the handshake: the process starts
        // with it (a command such as `stty size` that runs at once sees the right one).
        if (size_) return start_process();
        phase_ = Phase::SizeWait;
        size_wait_started_ = SteadyClock::now();
        return;
      case ssm::PayloadType::flag:
        if (message.payload.size() >= 4 && static_cast<unsigned char>(message.payload[3]) == 2 &&
            message.payload.compare(0, 3, std::string(3, '\0')) == 0)
          terminate("the client ended the session");
        return;
      default:
        return;
    }
  }

  // ---- the process ----
  void start_process() {
    phase_ = Phase::Starting;
    auto words = split_shell_words(request_.command);
    if (!words || words->empty()) return fail("The command could not be split into words: " + request_.command);
    runtime::ExecCreateSpec spec;
    spec.cmd = std::move(*words);
    spec.env = {"TERM=xterm-256color", "LANG=C.UTF-8"};
    spec.user = "0";
    spec.tty = true;
    if (size_) spec.console_size = std::make_pair(size_->second, size_->first);
    auto* docker = docker_;
    std::string container = request_.container_runtime_id;
    pool_.submit(
        [docker, container, spec]() -> runtime::DockerResult<std::pair<std::string, std::unique_ptr<runtime::ExecStream>>> {
          auto exec = docker->create_exec(container, spec);
          if (!exec) return exec.error();
          auto stream = docker->start_exec(*exec);
          if (!stream) return stream.error();
          return std::make_pair(*exec, std::move(*stream));
        },
        [self = shared_from_this()](auto result) mutable {
          auto shared = std::make_shared<decltype(result)>(std::move(result));
          net::dispatch(self->strand_, [self, shared] { self->process_started(std::move(*shared)); });
        });
  }

  void process_started(runtime::DockerResult<std::pair<std::string, std::unique_ptr<runtime::ExecStream>>> result) {
    if (!result) return fail("The command could not start: " + result.error().message);
    exec_id_ = result->first;
    std::string first = result->second->take_buffered();
    int fd = result->second->release();
    if (phase_ == Phase::Closed || phase_ == Phase::Exiting) {  // ended while Docker started it
      ::close(fd);
      return kill_process();
    }
    descriptor_.assign(fd);
    phase_ = Phase::Running;
    if (size_) resize();
    if (!first.empty()) send_output(first);
    if (!pending_input_.empty()) write_input(std::exchange(pending_input_, {}));
    read_output();
  }

  void read_output() {
    if (reading_ || phase_ != Phase::Running) return;
    if (!channel_.can_send()) {
      output_paused_ = true;
      return;
    }
    reading_ = true;
    // No more than the window takes: every chunk_size bytes read become one message.
    std::size_t want = std::min(read_buffer_.size(), channel_.room() * chunk_size);
    descriptor_.async_read_some(net::buffer(read_buffer_.data(), want), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->reading_ = false;
      if (ec) return self->process_exited();
      self->touch();
      self->send_output(std::string(self->read_buffer_.data(), n));
      self->read_output();
    });
  }

  // Keystrokes to the process. A process that does not read its TTY while input keeps coming
  // makes the queue grow: beyond max_queued_input bytes input is dropped (and logged) until it
  // drains, and the session goes on.
  void write_input(std::string bytes) {
    if (queued_input_ + bytes.size() > max_queued_input) {
      if (!dropping_input_) spdlog::info("exec {}: the command does not read its input; input dropped", id_);
      dropping_input_ = true;
      return;
    }
    dropping_input_ = false;
    queued_input_ += bytes.size();
    input_queue_.push_back(std::move(bytes));
    if (input_queue_.size() == 1) write_next();
  }
  void write_next() {
    if (input_queue_.empty() || !descriptor_.is_open()) return;
    net::async_write(descriptor_, net::buffer(input_queue_.front()),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) {
                         self->input_queue_.clear();
                         self->queued_input_ = 0;
                         return;
                       }
                       self->queued_input_ -= self->input_queue_.front().size();
                       self->input_queue_.pop_front();
                       self->write_next();
                     });
  }

  void resize() {
    auto* docker = docker_;
    auto [cols, rows] = *size_;
    pool_.submit([docker, exec = exec_id_, cols, rows] { docker->resize_exec(exec, cols, rows); });
  }

  // The process ended (its output stream closed): its exit code, then channel_closed.
  void process_exited() {
    if (phase_ == Phase::Exiting || phase_ == Phase::Closed) return;
    phase_ = Phase::Exiting;
    beast::error_code ignored;
    descriptor_.close(ignored);
    auto* docker = docker_;
    pool_.submit(
        [docker, exec = exec_id_]() -> std::optional<int> {
          for (int i = 0; i < 40; ++i) {  // Docker records the exit code a moment after the stream ends
            auto state = docker->inspect_exec(exec);
            if (!state) return std::nullopt;
            if (!state->running) return state->exit_code;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
          }
          return std::nullopt;
        },
        [self = shared_from_this()](std::optional<int> code) {
          net::dispatch(self->strand_, [self, code] { self->close_channel("", code); });
        });
  }

  void kill_process() {
    if (exec_id_.empty()) return;
    auto* docker = docker_;
    pool_.submit([docker, exec = exec_id_] {
      auto state = docker->inspect_exec(exec);
      if (state && state->running && state->pid > 0) ::kill(state->pid, SIGKILL);
    });
  }

  void terminate(std::string why) {
    switch (phase_) {
      case Phase::Closed:
      case Phase::Exiting:
        return;
      case Phase::Running:
        spdlog::info("exec {}: {}", id_, why);
        kill_process();
        return process_exited();  // (also where the process cannot be killed from here)
      case Phase::Starting:
        phase_ = Phase::Exiting;  // process_started kills it
        return close_channel(why, std::nullopt);
      default:
        return close_channel(why, std::nullopt);
    }
  }

  void fail(const std::string& message) {
    spdlog::info("exec {}: {}", id_, message);
    send_output(message + "\r\n");
    phase_ = Phase::Exiting;
    close_channel("", std::nullopt);
  }

  void close_channel(const std::string& output, std::optional<int> exit_code) {
    if (phase_ == Phase::Closed) return;
    phase_ = Phase::Closed;
    tick_timer_.cancel();
    Json body = {{"MessageId", ssm::uuid_string(ssm::random_uuid())},
                 {"CreatedDate", std::to_string(ssm::now_ms())},
                 {"DestinationId", request_.target},
                 {"SessionId", id_},
                 {"MessageType", ssm::channel_closed},
                 {"SchemaVersion", 1},
                 {"Output", output}};
    if (exit_code) body["ExitCode"] = *exit_code;
    if (connection_) {
      connection_->send(ssm::encode(ssm::make_message(ssm::channel_closed, 0, 0, ssm::PayloadType::none, body.dump())), true);
      connection_->close();
    }
    spdlog::info("exec {}: closed{}", id_, exit_code ? " (exit code " + std::to_string(*exit_code) + ")" : "");
    forget();
  }

  void forget() {
    if (auto server = server_.lock()) server->forget(id_);
  }

  // ---- output ----
  void send_output(const std::string& bytes) {
    for (std::size_t at = 0; at < bytes.size(); at += chunk_size)
      send_data(ssm::PayloadType::output, bytes.substr(at, chunk_size));
  }
  void send_data(ssm::PayloadType type, std::string payload) {
    std::string frame = channel_.send(type, std::move(payload), SteadyClock::now());
    if (connection_) connection_->send(std::move(frame), true);  // else kept for a resumed channel
  }

  // ---- timers: resends, the handshake's wait, idle, lost channels, unused tokens ----
  void schedule_tick() {
    tick_timer_.expires_after(tick_interval);
    tick_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->phase_ == Phase::Closed) return;
      self->tick();
      if (self->phase_ != Phase::Closed) self->schedule_tick();
    });
  }
  void tick() {
    auto now = SteadyClock::now();
    if (connection_)
      for (auto& frame : channel_.due(now)) connection_->send(std::move(frame), true);
    if (channel_.failed()) return terminate("the client stopped acknowledging");
    if (phase_ == Phase::Handshaking && now - handshake_started_ >= options_.handshake_wait) start_process();
    if (phase_ == Phase::SizeWait && now - size_wait_started_ >= size_wait) start_process();
    if (now - last_activity_ >= options_.idle_timeout) return terminate("idle for too long");
    if (detached_since_ && now - *detached_since_ >= options_.reconnect_grace)
      return terminate("the data channel was lost and not resumed");
    if (phase_ == Phase::Waiting) {
      auto server = server_.lock();
      if (!server || server->token_expired(id_)) {
        phase_ = Phase::Closed;
        forget();
      }
    }
  }
  void touch() { last_activity_ = SteadyClock::now(); }

  std::weak_ptr<ExecServer> server_;
  net::strand<net::io_context::executor_type> strand_;
  std::string id_;
  api::ExecSessionRequest request_;
  const ExecServerOptions options_;
  runtime::BlockingPool& pool_;
  runtime::DockerClient* docker_;
  ssm::DataChannel channel_;
  net::steady_timer tick_timer_;
  net::posix::stream_descriptor descriptor_;
  std::shared_ptr<WebSocketConnection> connection_;
  Phase phase_ = Phase::Waiting;
  std::string exec_id_, pending_input_;
  std::optional<std::pair<int, int>> size_;  // cols, rows
  std::deque<std::string> input_queue_;
  std::size_t queued_input_ = 0;
  bool dropping_input_ = false;
  std::array<char, 16 * chunk_size> read_buffer_{};  // sent on in chunk_size messages
  bool reading_ = false, output_paused_ = false;
  SteadyClock::time_point handshake_started_{}, size_wait_started_{}, last_activity_ = SteadyClock::now();
  std::optional<SteadyClock::time_point> detached_since_;
};

namespace {

class ChannelHandler final : public WebSocketHandler {
 public:
  explicit ChannelHandler(std::shared_ptr<ExecSession> session) : session_(std::move(session)) {}
  void on_message(const std::shared_ptr<WebSocketConnection>& connection, std::string data, bool binary) override {
    session_->on_frame(connection, std::move(data), binary);
  }
  void on_close(const std::shared_ptr<WebSocketConnection>& connection) override {
    session_->on_connection_closed(connection);
  }

 private:
  std::shared_ptr<ExecSession> session_;
};

}  // namespace

ExecServer::ExecServer(net::io_context& ioc, ExecServerOptions options)
    : ioc_(ioc),
      options_(std::move(options)),
      pool_(std::make_unique<runtime::BlockingPool>(4, [](const std::string& what) { spdlog::error("exec: {}", what); })) {}

ExecServer::~ExecServer() { shut_down(); }

void ExecServer::set_docker(runtime::DockerClient* docker) { docker_ = docker; }

api::ExecSessionTicket ExecServer::ticket_for(const std::string& id, Entry& entry) {
  entry.token = random_text(172, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  entry.token_issued = SteadyClock::now();
  entry.token_used = false;
  return {id, "ws://" + entry.authority + std::string(data_channel_prefix) + id + "?role=publish_subscribe", entry.token};
}

std::optional<api::ExecSessionTicket> ExecServer::open(const api::ExecSessionRequest& request) {
  auto* docker = docker_.load();
  if (!docker) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (shut_down_ || sessions_.size() >= options_.max_sessions) return std::nullopt;
  std::string id = "ecs-execute-command-" + random_text(17, "0123456789abcdef");
  Entry entry;
  entry.account_id = request.account_id;
  entry.authority = request.host.empty() ? options_.default_authority : request.host;
  entry.session = std::make_shared<ExecSession>(weak_from_this(), ioc_, id, request, options_, *pool_, docker);
  auto ticket = ticket_for(id, entry);
  entry.session->start();
  sessions_.emplace(id, std::move(entry));
  spdlog::info("exec {}: opened for {} in {}", id, request.container_name, request.task_arn);
  return ticket;
}

bool ExecServer::terminate(const std::string& account_id, const std::string& session_id) {
  std::shared_ptr<ExecSession> session;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end() || it->second.account_id != account_id) return false;
    session = it->second.session;
  }
  session->end("ended by TerminateSession");
  return true;
}

std::optional<api::ExecSessionTicket> ExecServer::resume(const std::string& account_id, const std::string& session_id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.account_id != account_id) return std::nullopt;
  return ticket_for(session_id, it->second);
}

bool ExecServer::redeem(const std::string& session_id, const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return false;
  Entry& entry = it->second;
  if (entry.token_used || entry.token != token || SteadyClock::now() - entry.token_issued > options_.token_lifetime)
    return false;
  entry.token_used = true;
  return true;
}

bool ExecServer::token_expired(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ||
         (!it->second.token_used && SteadyClock::now() - it->second.token_issued > options_.token_lifetime);
}

void ExecServer::forget(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session_id);
}

std::shared_ptr<ExecSession> ExecServer::find(const std::string& session_id) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second.session;
}

std::size_t ExecServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void ExecServer::handle(HttpRequest request, Respond respond) {
  std::string id = session_id_from_path(request.target());
  if (!find(id)) return respond(json_message(request, 404, "No ECS Exec session " + id + " is open."));
  respond(json_message(request, 400, "The data channel of " + id + " is a websocket: send an upgrade request."));
}

std::shared_ptr<WebSocketHandler> ExecServer::upgrade(const HttpRequest& request) {
  auto session = find(session_id_from_path(request.target()));
  return session ? std::make_shared<ChannelHandler>(session) : nullptr;
}

void ExecServer::end_all(const std::string& why) {
  std::vector<std::shared_ptr<ExecSession>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : sessions_) open.push_back(entry.session);
  }
  for (auto& session : open) session->end(why);
}

void ExecServer::shut_down() {
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
  }
  end_all("ecslocal is shutting down");
  pool_->shutdown();
}

}  // namespace ecslocal::server
