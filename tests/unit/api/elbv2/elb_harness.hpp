#pragma once
// ELBv2 behind a real Gateway (strict shapes), called with query-protocol form bodies as botocore
// sends them, on a manual clock with the timer queue and a fake health prober. Replies are XML
// text; tests look for elements in them.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/common/timer_queue.hpp"
#include "api/elbv2/provider.hpp"
#include "api/gateway.hpp"
#include "tests/fakes/fake_health_prober.hpp"
#include "tests/fakes/gateway_calls.hpp"
#include "tests/fakes/test_clock.hpp"

namespace ecslocal::testing {

struct ElbReply {
  int status = 0;
  std::string body, code;
  bool ok() const { return status == 200; }
  bool has(const std::string& part) const { return body.find(part) != std::string::npos; }
  // The text of the first <name> element (after `from` when given), or "".
  std::string text(const std::string& name, size_t from = 0) const {
    const auto open = body.find("<" + name + ">", from);
    if (open == std::string::npos) return "";
    const auto start = open + name.size() + 2;
    return body.substr(start, body.find("</" + name + ">", start) - start);
  }
  std::vector<std::string> all(const std::string& name) const {
    std::vector<std::string> out;
    for (size_t at = body.find("<" + name + ">"); at != std::string::npos; at = body.find("<" + name + ">", at + 1)) {
      const auto start = at + name.size() + 2;
      out.push_back(body.substr(start, body.find("</" + name + ">", start) - start));
    }
    return out;
  }
  size_t count(const std::string& name) const { return all(name).size(); }
};

class ElbHarness {
 public:
  ElbHarness() : gateway_(strict_gateway_options(&now)) {
    networks = std::make_shared<api::vpc::VpcRegistry>(std::make_shared<api::IdSource>(3));
    elb_ = std::make_shared<api::elbv2::ElbProvider>(std::make_shared<api::IdSource>(11), networks);
    elb_->set_clock([this] { return now; });
    elb_->set_timers(&timers);
    elb_->set_prober(&prober);
    gateway_.add(elb_);
    gateway_.connect(ports_);
  }

  ElbReply call(const std::string& action, const Params& params = {}) {
    auto r = form_call(gateway_, action, "2015-12-01", params, {"elasticloadbalancing", "test", ""});
    return {r.status, r.body, r.error_type};
  }

  // Moves the clock and runs the timers that became due (in time order).
  void advance(std::chrono::seconds by) { advance_clock(now, timers, by); }

  // The default VPC's first two subnets, and its id.
  std::vector<std::string> subnets() {
    const auto& state = networks->at("000000000000", "us-east-1");
    std::vector<std::string> out;
    for (const auto& [id, s] : state.subnets) out.push_back(id);
    return out;
  }
  std::string vpc_id() { return networks->at("000000000000", "us-east-1").default_vpc_id; }

  // An ALB in two default subnets; returns its ARN.
  std::string create_alb(const std::string& name = "web") {
    const auto s = subnets();
    auto r = call("CreateLoadBalancer", {{"Name", name}, {"Subnets.member.1", s[0]}, {"Subnets.member.2", s[1]}});
    return r.text("LoadBalancerArn");
  }
  std::string create_tg(const std::string& name = "app", const Params& extra = {}) {
    Params p{{"Name", name}, {"Protocol", "HTTP"}, {"Port", "8080"}, {"VpcId", vpc_id()}, {"TargetType", "ip"}};
    p.insert(p.end(), extra.begin(), extra.end());
    return call("CreateTargetGroup", p).text("TargetGroupArn");
  }
  std::string create_listener(const std::string& lb, const std::string& tg, int port = 80) {
    return call("CreateListener", {{"LoadBalancerArn", lb},
                                   {"Protocol", "HTTP"},
                                   {"Port", std::to_string(port)},
                                   {"DefaultActions.member.1.Type", "forward"},
                                   {"DefaultActions.member.1.TargetGroupArn", tg}})
        .text("ListenerArn");
  }

  api::elbv2::ElbProvider& provider() { return *elb_; }
  api::Gateway& gateway() { return gateway_; }

  api::Clock::time_point now = api::Clock::time_point(std::chrono::seconds(1700000000));
  api::TimerQueue timers;
  FakeHealthProber prober;
  std::shared_ptr<api::vpc::VpcRegistry> networks;

 private:
  api::Ports ports_;
  api::Gateway gateway_;
  std::shared_ptr<api::elbv2::ElbProvider> elb_;
};

}  // namespace ecslocal::testing
