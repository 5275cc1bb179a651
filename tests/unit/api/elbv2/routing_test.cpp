#include <gtest/gtest.h>

#include "api/elbv2/routing.hpp"

namespace ecslocal::api::elbv2 {
namespace {

TEST(ElbRouting, WildcardsMatchAsAlbDoes) {
  EXPECT_TRUE(wildcard_match("/api/*", "/api/users/1", false));
  EXPECT_TRUE(wildcard_match("/api/*", "/api/", false));
  EXPECT_FALSE(wildcard_match("/api/*", "/API/x", false));  // paths are case-sensitive
  EXPECT_TRUE(wildcard_match("/img/?.png", "/img/a.png", false));
  EXPECT_FALSE(wildcard_match("/img/?.png", "/img/ab.png", false));
  EXPECT_TRUE(wildcard_match("*.example.com", "WWW.Example.com", true));  // hosts are not
  EXPECT_TRUE(wildcard_match("*", "", false));
  EXPECT_FALSE(wildcard_match("a*b*c", "abxb", false));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXbYbZc", false));
}

TEST(ElbRouting, RulesAreTriedByPriorityAndTheDefaultCatchesTheRest) {
  ListenerRoutes routes;
  RouteRule api;
  api.priority = 1;
  api.conditions.push_back({"path-pattern", {"/api/*"}, "", {}});
  api.conditions.push_back({"http-request-method", {"GET", "POST"}, "", {}});
  api.action.type = "fixed-response";
  RouteRule host;
  host.priority = 2;
  host.conditions.push_back({"host-header", {"admin.*"}, "", {}});
  host.action.type = "redirect";
  RouteRule header;
  header.priority = 3;
  header.conditions.push_back({"http-header", {"beta"}, "X-Channel", {}});
  RouteRule query;
  query.priority = 4;
  query.conditions.push_back({"query-string", {}, "", {{"version", "v2"}}});
  RouteRule source;
  source.priority = 5;
  source.conditions.push_back({"source-ip", {"10.0.0.0/8"}, "", {}});
  RouteRule fallback;
  routes.rules = {api, host, header, query, source, fallback};

  RequestFacts r{"GET", "/api/x", "", "www.example.com", "192.168.1.1", {}};
  EXPECT_EQ(match_rule(routes, r)->priority, 1);
  r.method = "DELETE";
  EXPECT_EQ(match_rule(routes, r)->priority, 0);  // AND of conditions
  r = {"GET", "/", "", "Admin.example.com", "192.168.1.1", {}};
  EXPECT_EQ(match_rule(routes, r)->priority, 2);
  r = {"GET", "/", "", "www", "192.168.1.1", {{"x-channel", "BETA"}}};
  EXPECT_EQ(match_rule(routes, r)->priority, 3);
  r = {"GET", "/", "a=1&version=v2", "www", "192.168.1.1", {}};
  EXPECT_EQ(match_rule(routes, r)->priority, 4);
  r = {"GET", "/", "", "www", "10.2.3.4", {}};
  EXPECT_EQ(match_rule(routes, r)->priority, 5);
}

TEST(ElbRouting, RedirectsFillThePlaceholders) {
  RouteAction a;
  a.type = "redirect";
  a.protocol = "HTTPS";
  a.port = "443";
  a.host = "#{host}";
  a.path = "/#{path}";
  a.query = "#{query}";
  RequestFacts r{"GET", "/a/b", "x=1", "example.com", "127.0.0.1", {}};
  EXPECT_EQ(redirect_location(a, r, "http", 80), "https://example.com/a/b?x=1");
  a.protocol = "#{protocol}";
  a.port = "8443";
  a.path = "/new";
  a.query = "";
  EXPECT_EQ(redirect_location(a, r, "http", 80), "http://example.com:8443/new");
}

}  // namespace
}  // namespace ecslocal::api::elbv2
