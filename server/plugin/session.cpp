#include "server/plugin/session.hpp"

#include <unistd.h>

#include <array>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <csignal>
#include <deque>
#include <exception>

#include "runtime/exec/data_channel.hpp"
#include "server/plugin/ssm_api.hpp"
#include "server/plugin/terminal.hpp"

namespace ecslocal::plugin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssm = runtime::ssm;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto tick_interval = 100ms;            // resends (DataChannel::due) checked this often
constexpr int size_poll_ticks = 5;               // the window size every 500 ms
constexpr auto ping_interval = std::chrono::minutes(5);
constexpr auto connect_timeout = 30s;
constexpr auto close_timeout = 1s;
constexpr std::size_t input_chunk = 1024;        // stdin read in chunks of at most this
constexpr std::size_t max_pending_input = 64 * 1024;  // keystrokes kept before the session is ready
constexpr int max_resends = 3000;                // as the Go plugin: then TerminateSession

}  // namespace

class Session::Impl {
 public:
  Impl(StartRequest request, SessionOptions options)
      : request_(std::move(request)),
        options_(options),
        resolver_(io_),
        ws_(io_),
        tick_(io_),
        write_wake_(io_),
        stdin_wake_(io_),
        close_deadline_(io_),
        stdin_(io_),
        signals_(io_),
        channel_(ssm::DataChannelOptions{.outgoing_type = std::string(ssm::input_stream_data),
                                         .incoming_type = std::string(ssm::output_stream_data),
                                         .max_resends = max_resends}) {}

  int run() {
    spawn(start());
    io_.run();
    // Let whatever was cancelled unwind (every coroutine sees finished_ and returns).
    finished_ = true;
    unwinding_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    cancel_waits();
    close_deadline_.cancel();
    io_.restart();
    io_.run_for(200ms);
    terminal_.restore();
    return exit_code_;
  }

 private:
  using Clock = ssm::DataChannel::Clock;

  void spawn(asio::awaitable<void> work) {
    asio::co_spawn(io_, std::move(work), [this](std::exception_ptr failure) {
      if (!failure) return;
      std::string what = "unknown error";
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      if (!ws_open_) {
        finish(cannot_start(what), 0);
      } else {
        finish(exiting_session(request_.session.session_id), 0, "session-manager-plugin: " + what + "\n");
      }
    });
  }

  void debug(const std::string& text) {
    if (options_.debug) write_all(STDERR_FILENO, "[session-manager-plugin] " + text + "\n");
  }

  // ------------------------------------------------------------------ connecting

  asio::awaitable<void> start() {
    std::string error;
    auto url = parse_url(request_.session.stream_url, &error);
    if (!url) {
      finish(cannot_start(error), 0);
      co_return;
    }
    if (url->scheme == "wss") {
      finish(cannot_start("the stream URL " + request_.session.stream_url +
                          " needs TLS (wss://), which ecslocal's session-manager-plugin does not support "
                          "(ecslocal's server gives ws:// stream URLs)"),
             0);
      co_return;
    }
    if (url->scheme != "ws") {
      finish(cannot_start("unsupported stream URL scheme " + url->scheme + "://"), 0);
      co_return;
    }

    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    auto& layer = beast::get_lowest_layer(ws_);
    layer.expires_after(connect_timeout);
    auto endpoints = co_await resolver_.async_resolve(url->host, url->port, token);
    if (finished_) co_return;
    if (ec) {
      finish(cannot_start("dial tcp: lookup " + url->host + ": " + ec.message()), 0);
      co_return;
    }
    co_await layer.async_connect(endpoints, token);
    if (finished_) co_return;
    if (ec) {
      finish(cannot_start("dial tcp " + url->host_header() + ": " + ec.message()), 0);
      co_return;
    }
    layer.socket().set_option(tcp::no_delay(true), ec);
    layer.expires_never();  // the websocket's own timeouts from here on
    ws_.set_option(websocket::stream_base::timeout{connect_timeout, websocket::stream_base::none(), false});
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(http::field::user_agent, "ecslocal-session-manager-plugin/" + std::string(plugin_version));
    }));
    websocket::response_type response;
    co_await ws_.async_handshake(response, url->host_header(), url->target, token);
    if (finished_) co_return;
    if (ec) {
      std::string why = "websocket: " + ec.message();
      if (ec == websocket::error::upgrade_declined && response.result_int() != 0)
        why = "websocket: bad handshake (HTTP " + std::to_string(response.result_int()) + ")";
      finish(cannot_start(why), 0);
      co_return;
    }
    ws_open_ = true;
    debug("connected to " + request_.session.stream_url);

    enqueue(token_frame(ssm::uuid_string(ssm::random_uuid()), request_.session.token_value,
                        ssm::uuid_string(ssm::random_uuid()), plugin_version),
            /*text=*/true);

    terminal_.enter_raw();
    for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTERM, SIGHUP, SIGWINCH}) signals_.add(sig, ec);
    if (int fd = ::dup(STDIN_FILENO); fd >= 0) {
      stdin_.assign(fd, ec);
      if (ec) {
        ::close(fd);
        debug("stdin: " + ec.message());
      } else {
        spawn(read_stdin());
      }
    }
    spawn(write_frames());
    spawn(tick());
    spawn(handle_signals());
    spawn(read_frames());
  }

  // ------------------------------------------------------------------ the websocket

  void enqueue(std::string frame, bool text = false) {
    if (finished_) return;
    outbox_.emplace_back(text, std::move(frame));
    write_wake_.cancel();
  }

  void send_data(ssm::PayloadType type, std::string payload) {
    debug("send " + std::to_string(static_cast<unsigned>(type)) + " seq " +
          std::to_string(channel_.next_outgoing_sequence()) + " (" + std::to_string(payload.size()) + " bytes)");
    enqueue(channel_.send(type, std::move(payload), Clock::now()));
  }

  asio::awaitable<void> write_frames() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    for (;;) {
      while (outbox_.empty() && !finished_) {
        write_wake_.expires_at(asio::steady_timer::time_point::max());
        co_await write_wake_.async_wait(token);
      }
      if (finished_) co_return;
      auto [text, frame] = std::move(outbox_.front());
      outbox_.pop_front();
      ws_.text(text);
      co_await ws_.async_write(asio::buffer(frame), token);
      if (finished_) co_return;
      if (ec) {
        debug("write: " + ec.message());  // the reader sees the end of the connection
        co_return;
      }
    }
  }

  asio::awaitable<void> read_frames() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    beast::flat_buffer buffer;
    for (;;) {
      buffer.clear();
      co_await ws_.async_read(buffer, token);
      if (finished_) co_return;
      if (ec) {
        on_disconnect(ec);
        co_return;
      }
      if (ws_.got_text()) {
        debug("ignored a text frame from the server");
        continue;
      }
      on_frame(beast::buffers_to_string(buffer.data()));
      if (finished_) co_return;
    }
  }

  void on_disconnect(const beast::error_code& ec) {
    ws_open_ = false;
    std::string note;
    if (ec == websocket::error::closed) {
      auto reason = ws_.reason();
      if (reason.code != websocket::close_code::normal && reason.code != websocket::close_code::none)
        note = "session-manager-plugin: the server closed the connection (" + std::to_string(reason.code) +
               (reason.reason.empty() ? "" : " " + std::string(reason.reason)) + ")\n";
    } else {
      note = "session-manager-plugin: the connection to the server was lost: " + ec.message() + "\n";
    }
    finish(exiting_session(request_.session.session_id), 0, note);
  }

  void on_frame(std::string frame) {
    auto received = channel_.receive(frame, Clock::now());
    if (!received.error.empty()) {
      debug("dropped a frame: " + received.error);
      return;
    }
    for (auto& reply : received.replies) enqueue(std::move(reply));
    for (const auto& message : received.deliver) {
      on_data(message);
      if (finished_) return;
    }
    if (received.closed) {
      auto closed = channel_closed_text(request_.session.session_id, received.closed->payload);
      debug("channel_closed " + received.closed->payload);
      finish(closed.text, options_.exit_with_remote_status ? closed.exit_code : 0);
      return;
    }
    for (const auto& other : received.other) debug("ignored " + other.message_type);
    if (received.acknowledged) stdin_wake_.cancel();  // room in the window again
  }

  void on_data(const ssm::ClientMessage& message) {
    debug("received " + std::to_string(message.payload_type) + " seq " + std::to_string(message.sequence_number) +
          " (" + std::to_string(message.payload.size()) + " bytes)");
    switch (message.type()) {
      case ssm::PayloadType::output:
        write_all(STDOUT_FILENO, message.payload);
        mark_ready();
        break;
      case ssm::PayloadType::std_err:
        write_all(STDERR_FILENO, message.payload);
        mark_ready();
        break;
      case ssm::PayloadType::error:
        write_all(STDERR_FILENO, message.payload);
        break;
      case ssm::PayloadType::handshake_request: {
        auto reply = handshake_response(message.payload, plugin_version);
        if (!reply.accepted)
          write_all(STDERR_FILENO, "session-manager-plugin: session type \"" + reply.session_type +
                                       "\" is not supported by ecslocal's session-manager-plugin\n");
        send_data(ssm::PayloadType::handshake_response, reply.payload);
        break;
      }
      case ssm::PayloadType::handshake_complete: {
        std::string text = customer_message(message.payload);
        if (!text.empty()) write_all(STDOUT_FILENO, text + "\n");
        mark_ready();
        break;
      }
      default:
        debug("ignored payload type " + std::to_string(message.payload_type));
        break;
    }
  }

  // ------------------------------------------------------------------ keyboard and window

  // The handshake is over (or the server started without one): the window size first, then
  // whatever was typed meanwhile.
  void mark_ready() {
    if (ready_) return;
    ready_ = true;
    check_size();
    for (auto& chunk : pending_input_) send_data(ssm::PayloadType::output, std::move(chunk));
    pending_input_.clear();
    pending_bytes_ = 0;
    stdin_wake_.cancel();
  }

  void queue_input(std::string chunk) {
    if (finished_ || chunk.empty()) return;
    if (!ready_) {
      pending_bytes_ += chunk.size();
      pending_input_.push_back(std::move(chunk));
      return;
    }
    send_data(ssm::PayloadType::output, std::move(chunk));
  }

  void check_size() {
    WindowSize size = window_size().value_or(default_window_size);
    if (last_size_ == size) return;
    last_size_ = size;
    send_data(ssm::PayloadType::size, size_payload(size.cols, size.rows));
  }

  bool stdin_paused() const {
    return ready_ ? !channel_.can_send() : pending_bytes_ >= max_pending_input;
  }

  asio::awaitable<void> read_stdin() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    std::array<char, input_chunk> buffer;
    for (;;) {
      while (!finished_ && stdin_paused()) {
        stdin_wake_.expires_at(asio::steady_timer::time_point::max());
        co_await stdin_wake_.async_wait(token);
      }
      if (finished_) co_return;
      std::size_t n = co_await stdin_.async_read_some(asio::buffer(buffer), token);
      if (finished_) co_return;
      if (ec) {
        // EOF (or stdin unusable): no more input, but the output goes on until the channel closes.
        debug("stdin: " + ec.message());
        co_return;
      }
      queue_input(keyboard_chunk(std::string(buffer.data(), n)));
    }
  }

  asio::awaitable<void> handle_signals() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    for (;;) {
      int sig = co_await signals_.async_wait(token);
      if (finished_ || ec) co_return;
      switch (sig) {
        case SIGINT:
          queue_input(std::string(1, interrupt_byte));
          break;
        case SIGQUIT:
          queue_input(std::string(1, quit_byte));
          break;
        case SIGTSTP:
          queue_input(std::string(1, suspend_byte));
          break;
        case SIGWINCH:
          if (ready_) check_size();
          break;
        default:  // SIGTERM, SIGHUP
          finish("", 0, "", /*terminate=*/true);
          co_return;
      }
    }
  }

  asio::awaitable<void> tick() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    int ticks = 0;
    auto last_ping = Clock::now();
    for (;;) {
      tick_.expires_after(tick_interval);
      co_await tick_.async_wait(token);
      if (finished_) co_return;
      auto now = Clock::now();
      for (auto& frame : channel_.due(now)) {
        debug("resend");
        enqueue(std::move(frame));
      }
      if (channel_.failed()) {
        finish(exiting_session(request_.session.session_id), 0,
               "session-manager-plugin: the server stopped acknowledging the session's input; terminating it\n",
               /*terminate=*/true);
        co_return;
      }
      if (ready_ && ++ticks % size_poll_ticks == 0) check_size();
      if (now - last_ping >= ping_interval && !ping_outstanding_ && ws_open_) {
        last_ping = now;
        ping_outstanding_ = true;
        ws_.async_ping({}, [this](beast::error_code) { ping_outstanding_ = false; });
      }
    }
  }

  // ------------------------------------------------------------------ the end

  void cancel_waits() {
    beast::error_code ignored;
    tick_.cancel();
    write_wake_.cancel();
    stdin_wake_.cancel();
    signals_.cancel(ignored);
    resolver_.cancel();
    if (stdin_.is_open()) stdin_.close(ignored);
  }

  // Ends the session once: the terminal back, TerminateSession when asked, `out` on stdout and
  // `err` on stderr, then the websocket closed (briefly waiting for the close handshake).
  void finish(const std::string& out, int code, const std::string& err = "", bool terminate = false) {
    if (finished_) return;
    finished_ = true;
    exit_code_ = code;
    terminal_.restore();
    if (!err.empty()) write_all(STDERR_FILENO, err);
    if (terminate) {
      std::string failure =
          terminate_session({request_.endpoint, request_.region, request_.profile}, request_.session.session_id);
      if (!failure.empty())
        write_all(STDERR_FILENO, "session-manager-plugin: TerminateSession failed: " + failure + "\n");
    }
    if (!out.empty()) write_all(STDOUT_FILENO, out);
    cancel_waits();
    if (!ws_open_) {
      beast::get_lowest_layer(ws_).cancel();
      io_.stop();
      return;
    }
    ws_open_ = false;
    close_deadline_.expires_after(close_timeout);
    close_deadline_.async_wait([this](beast::error_code) {
      if (!unwinding_) io_.stop();
    });
    ws_.async_close(websocket::close_code::normal, [this](beast::error_code) {
      if (!unwinding_) io_.stop();
    });
  }

  StartRequest request_;
  SessionOptions options_;
  TerminalMode terminal_;
  asio::io_context io_;
  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer tick_, write_wake_, stdin_wake_, close_deadline_;
  asio::posix::stream_descriptor stdin_;
  asio::signal_set signals_;
  ssm::DataChannel channel_;

  std::deque<std::pair<bool, std::string>> outbox_;  // (text frame, data)
  std::deque<std::string> pending_input_;
  std::size_t pending_bytes_ = 0;
  std::optional<WindowSize> last_size_;
  bool ws_open_ = false, ready_ = false, finished_ = false, unwinding_ = false, ping_outstanding_ = false;
  int exit_code_ = 0;
};

Session::Session(StartRequest request, SessionOptions options)
    : impl_(std::make_unique<Impl>(std::move(request), options)) {}
Session::~Session() = default;
int Session::run() { return impl_->run(); }

}  // namespace ecslocal::plugin
