// The data plane's listener set over real sockets: binding at once, a clear error for a taken
// port, close freeing the address, publish swapping what the handler reads.
#include <gtest/gtest.h>

#include <future>

#include "server/listener_set.hpp"
#include "tests/component/io_loop.hpp"
#include "tests/component/test_server.hpp"

namespace ecslocal::testing {
namespace {

struct TextConfig : api::DataPlaneConfig {
  explicit TextConfig(std::string t) : text(std::move(t)) {}
  std::string text;
};

// Answers every request with the text of its listener's current configuration.
class TextHandler : public server::HttpHandler {
 public:
  explicit TextHandler(std::shared_ptr<const server::ConfigSlot> slot) : slot_(std::move(slot)) {}
  void handle(server::HttpRequest request, server::Respond respond) override {
    auto config = std::dynamic_pointer_cast<const TextConfig>(slot_->get());
    respond(server::make_response(request.version(), request.keep_alive(), 200, "text/plain",
                                  config ? config->text : "(none)", server::new_request_id()));
  }

 private:
  std::shared_ptr<const server::ConfigSlot> slot_;
};

class ListenerSetTest : public ::testing::Test {
 protected:
  ListenerSetTest() : set(loop.ioc, loop.state, server::SessionLimits{}) {
    set.register_kind("text", [](const server::ListenerContext& c) { return std::make_shared<TextHandler>(c.config); });
  }
  ~ListenerSetTest() override {
    loop.on_state([&] { set.close_all(); });
  }
  api::ListenerResult open(const std::string& id, uint16_t port, const std::string& text = "one",
                           const std::string& kind = "text") {
    api::ListenerRequest r{id, "127.0.0.1", port, kind, std::make_shared<TextConfig>(text)};
    return loop.on_state([&] { return set.open(r); });
  }
  static std::string get(uint16_t port) { return Connection(port).request(http::verb::get, "/", "").body(); }

  IoLoop loop;
  server::ListenerSet set;
};

TEST_F(ListenerSetTest, OpenOnPortZeroBindsAtOnceAndServes) {
  auto r = open("l1", 0);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_NE(r.port, 0);
  EXPECT_FALSE(can_bind(r.port));  // bound before open() returned
  EXPECT_EQ(get(r.port), "one");
  EXPECT_EQ(set.size(), 1u);
}

TEST_F(ListenerSetTest, ATakenPortIsAClearError) {
  auto first = open("l1", 0);
  ASSERT_TRUE(first.ok);
  auto second = open("l2", first.port);
  EXPECT_FALSE(second.ok);
  EXPECT_EQ(second.error, "address 127.0.0.1:" + std::to_string(first.port) + " is already in use");

  // Taken by someone else than the set, too.
  net::io_context ioc;
  tcp::acceptor other(ioc, {net::ip::make_address("127.0.0.1"), 0});
  const auto port = other.local_endpoint().port();
  auto third = open("l3", port);
  EXPECT_FALSE(third.ok);
  EXPECT_EQ(third.error, "address 127.0.0.1:" + std::to_string(port) + " is already in use");
}

TEST_F(ListenerSetTest, CloseFreesTheAddressAndTheIdCanOpenAgain) {
  auto r = open("l1", 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(get(r.port), "one");
  loop.on_state([&] { set.close("l1"); });
  EXPECT_TRUE(can_bind(r.port));
  EXPECT_EQ(set.size(), 0u);
  auto again = open("l1", r.port, "two");
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_EQ(again.port, r.port);
  EXPECT_EQ(get(r.port), "two");
  loop.on_state([&] { set.close("unknown"); });  // no-op
}

TEST_F(ListenerSetTest, PublishSwapsTheConfigurationTheHandlerReads) {
  auto r = open("l1", 0, "before");
  ASSERT_TRUE(r.ok);
  Connection c(r.port);
  EXPECT_EQ(c.request(http::verb::get, "/", "").body(), "before");
  loop.on_state([&] { set.publish("l1", std::make_shared<TextConfig>("after")); });
  EXPECT_EQ(c.request(http::verb::get, "/", "").body(), "after");  // same connection, next request
  loop.on_state([&] { set.publish("l1", nullptr); });
  EXPECT_EQ(c.request(http::verb::get, "/", "").body(), "(none)");
  loop.on_state([&] { set.publish("nope", std::make_shared<TextConfig>("x")); });  // no-op
}

TEST_F(ListenerSetTest, RefusesDuplicateIdsUnknownKindsAndBadAddresses) {
  ASSERT_TRUE(open("l1", 0).ok);
  auto dup = open("l1", 0);
  EXPECT_FALSE(dup.ok);
  EXPECT_EQ(dup.error, "listener l1 is already open");
  auto kind = open("l2", 0, "x", "nope");
  EXPECT_FALSE(kind.ok);
  EXPECT_EQ(kind.error, "no listener kind named \"nope\"");
  api::ListenerRequest bad{"l3", "not-an-ip", 0, "text", nullptr};
  auto r = loop.on_state([&] { return set.open(bad); });
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "\"not-an-ip\" is not an IPv4 address");
}

TEST_F(ListenerSetTest, CloseAllClosesEveryListener) {
  auto a = open("a", 0), b = open("b", 0);
  ASSERT_TRUE(a.ok && b.ok);
  loop.on_state([&] { set.close_all(); });
  EXPECT_EQ(set.size(), 0u);
  EXPECT_TRUE(can_bind(a.port));
  EXPECT_TRUE(can_bind(b.port));
}

// The App's listener set: "api" listeners serve the AWS API as the main port does, and reset
// closes every listener services opened.
TEST(AppDataPlane, ApiListenersServeTheAwsApiAndResetClosesThem) {
  server::App app(test_config());
  app.start();
  std::promise<api::ListenerResult> opened;
  app.post_to_state([&] { opened.set_value(app.data_plane().open({"api-1", "127.0.0.1", 0, "api", nullptr})); });
  auto r = opened.get_future().get();
  ASSERT_TRUE(r.ok) << r.error;
  {
    Connection c(r.port);
    ASSERT_EQ(c.aws("CreateCluster", {{"clusterName", "via-listener"}}).result_int(), 200);
  }
  Connection main(app.port());
  EXPECT_EQ(body_of(main.aws("ListClusters", nlohmann::json::object()))["clusterArns"].size(), 1u);
  ASSERT_EQ(main.request(http::verb::post, "/_ecslocal/reset", "").result_int(), 200);
  EXPECT_TRUE(can_bind(r.port));
}

}  // namespace
}  // namespace ecslocal::testing
