// The service list: every AWS service ecslocal serves, one line each. The app builds them on one
// Platform, adds them to the gateway in this order and wires them through the ports.
#include "api/autoscaling/provider.hpp"
#include "api/cloudwatch/provider.hpp"
#include "api/ec2/provider.hpp"
#include "api/ecs/provider.hpp"
#include "api/elbv2/provider.hpp"
#include "api/iam/provider.hpp"
#include "api/logs/provider.hpp"
#include "api/platform.hpp"
#include "api/ports/task_metadata.hpp"
#include "api/secretsmanager/provider.hpp"
#include "api/servicediscovery/provider.hpp"
#include "api/ssm/provider.hpp"
#include "api/sts/provider.hpp"

namespace ecslocal::api {
namespace {

std::shared_ptr<Service> make_ecs(Platform& p) {
  auto ecs = std::make_shared<ecs::EcsProvider>(p.ids, p.networks);
  ecs->set_task_retention(p.settings.task_retention);
  ecs->scheduler().breaker_minimum = p.settings.breaker_minimum;
  ecs->scheduler().healthy_after = p.settings.healthy_after;
  ecs->set_endpoint_route(endpoint_route(p.settings.instance));
  return ecs;
}
std::shared_ptr<Service> make_logs(Platform& p) {
  auto clock = p.clock;
  return std::make_shared<logs::LogsProvider>([clock] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock().time_since_epoch()).count();
  });
}
std::shared_ptr<Service> make_ec2(Platform& p) { return std::make_shared<ec2::Ec2Provider>(p.networks); }
std::shared_ptr<Service> make_iam(Platform& p) { return std::make_shared<iam::IamProvider>(p.ids); }
std::shared_ptr<Service> make_sts(Platform& p) { return std::make_shared<sts::StsProvider>(p.ids); }
std::shared_ptr<Service> make_elbv2(Platform& p) {
  elbv2::ElbSettings settings;
  settings.address_spread = vpc::VpcRegistry::spread_for_instance(p.settings.instance);
  auto elb = std::make_shared<elbv2::ElbProvider>(p.ids, p.networks, settings);
  elb->set_clock(p.clock);
  return elb;
}
std::shared_ptr<Service> make_ssm(Platform&) { return std::make_shared<ssm::SsmProvider>(); }
std::shared_ptr<Service> make_secretsmanager(Platform& p) { return std::make_shared<secretsmanager::SecretsManagerProvider>(p.ids); }
std::shared_ptr<Service> make_cloudwatch(Platform& p) { return std::make_shared<cloudwatch::CloudWatchProvider>(p.clock); }
std::shared_ptr<Service> make_servicediscovery(Platform& p) {
  auto discovery = std::make_shared<servicediscovery::DiscoveryProvider>(p.ids, p.networks);
  discovery->set_clock(p.clock);
  return discovery;
}
std::shared_ptr<Service> make_autoscaling(Platform& p) {
  return std::make_shared<autoscaling::AutoScalingProvider>(p.ids, p.clock);
}

}  // namespace

const std::vector<ServiceEntry>& service_list() {
  static const std::vector<ServiceEntry> list{
      {"ecs", make_ecs}, {"logs", make_logs}, {"ec2", make_ec2}, {"iam", make_iam}, {"sts", make_sts},
      {"elbv2", make_elbv2},
      {"ssm", make_ssm},
      {"secretsmanager", make_secretsmanager},
      {"cloudwatch", make_cloudwatch},
      {"autoscaling", make_autoscaling},
      {"servicediscovery", make_servicediscovery},
  };
  return list;
}

std::vector<std::shared_ptr<Service>> make_services(Platform& platform) {
  if (!platform.networks) {
    platform.networks = std::make_shared<vpc::VpcRegistry>(platform.ids);
    platform.networks->set_spread(vpc::VpcRegistry::spread_for_instance(platform.settings.instance));
  }
  platform.ports.provide<Timers>(&platform.timers);
  std::vector<std::shared_ptr<Service>> services;
  for (const auto& entry : service_list()) services.push_back(entry.make(platform));
  return services;
}

}  // namespace ecslocal::api
