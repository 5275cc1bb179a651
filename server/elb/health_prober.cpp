#include "server/elb/health_prober.hpp"

#include <memory>

namespace ecslocal::server::elb {
namespace {

// One probe in flight: owns its stream, buffer and parser until the answer is posted.
struct Probe : std::enable_shared_from_this<Probe> {
  Probe(net::any_io_executor ex, api::HealthProbe p, std::function<void(const api::ProbeOutcome&)> d,
        AsioHealthProber::PostToState post)
      : stream(ex), probe(std::move(p)), done(std::move(d)), post(std::move(post)) {}

  beast::tcp_stream stream;
  api::HealthProbe probe;
  std::function<void(const api::ProbeOutcome&)> done;
  AsioHealthProber::PostToState post;
  beast::flat_buffer buffer;
  http::request<http::empty_body> request;
  http::response_parser<http::empty_body> parser;
  bool finished = false;

  void start() {
    boost::system::error_code ec;
    const auto address = net::ip::make_address_v4(probe.address, ec);
    if (ec) return finish({api::ProbeOutcome::Kind::Failed, 0, "bad address " + probe.address});
    stream.expires_after(probe.timeout);
    stream.async_connect(tcp::endpoint(address, static_cast<unsigned short>(probe.port)),
                         [self = shared_from_this()](const boost::system::error_code& e) { self->on_connect(e); });
  }

  void on_connect(const boost::system::error_code& ec) {
    if (ec) return fail(ec);
    if (probe.protocol != "HTTP" && probe.protocol != "HTTPS") return finish({api::ProbeOutcome::Kind::Response, 0, "connected"});
    request.method(http::verb::get);
    request.target(probe.path.empty() ? "/" : probe.path);
    request.version(11);
    request.set(http::field::host, probe.address + ":" + std::to_string(probe.port));
    request.set(http::field::user_agent, "ELB-HealthChecker/2.0");
    request.set(http::field::connection, "close");
    http::async_write(stream, request, [self = shared_from_this()](const boost::system::error_code& e, std::size_t) {
      if (e) return self->fail(e);
      self->parser.skip(true);  // the status line and headers are enough
      self->parser.header_limit(64 * 1024);
      http::async_read_header(self->stream, self->buffer, self->parser,
                              [self](const boost::system::error_code& e2, std::size_t) { self->on_header(e2); });
    });
  }

  void on_header(const boost::system::error_code& ec) {
    if (ec) return fail(ec);
    finish({api::ProbeOutcome::Kind::Response, static_cast<int>(parser.get().result_int()), ""});
  }

  void fail(const boost::system::error_code& ec) {
    if (ec == beast::error::timeout) return finish({api::ProbeOutcome::Kind::Timeout, 0, ec.message()});
    finish({api::ProbeOutcome::Kind::Failed, 0, ec.message()});
  }

  void finish(api::ProbeOutcome outcome) {
    if (finished) return;
    finished = true;
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    post([done = std::move(done), outcome = std::move(outcome)] { done(outcome); });
  }
};

}  // namespace

AsioHealthProber::AsioHealthProber(net::any_io_executor executor, PostToState post_to_state)
    : executor_(std::move(executor)), post_(std::move(post_to_state)) {}

void AsioHealthProber::probe(const api::HealthProbe& probe, std::function<void(const api::ProbeOutcome&)> done) {
  auto p = std::make_shared<Probe>(executor_, probe, std::move(done), post_);
  net::post(executor_, [p] { p->start(); });
}

}  // namespace ecslocal::server::elb
