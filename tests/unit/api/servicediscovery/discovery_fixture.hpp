#pragma once
// A Cloud Map provider behind the real Gateway (strict output shapes), with a seeded id source
// and the VPC state it checks private DNS namespaces against. Shared by the Cloud Map tests.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/servicediscovery/provider.hpp"
#include "tests/unit/api/ssm/json_service_harness.hpp"

namespace ecslocal::api::servicediscovery {

inline constexpr const char* kAccount = "000000000000";
inline constexpr const char* kRegion = "us-east-1";

class DiscoveryTest : public ::testing::Test {
 protected:
  std::shared_ptr<IdSource> ids = std::make_shared<IdSource>(7);
  std::shared_ptr<vpc::VpcRegistry> networks = std::make_shared<vpc::VpcRegistry>(ids);
  std::shared_ptr<DiscoveryProvider> provider = std::make_shared<DiscoveryProvider>(ids, networks);
  testing::JsonServiceHarness h{"Route53AutoNaming_v20170314", provider};

  std::string default_vpc() { return networks->at(kAccount, kRegion).default_vpc_id; }

  // The namespace id an operation created (through GetOperation's targets).
  std::string namespace_of_operation(const Json& reply) {
    auto op = h.ok("GetOperation", {{"OperationId", reply["OperationId"]}})["Operation"];
    return op["Targets"]["NAMESPACE"];
  }
  std::string http_namespace(const std::string& name, Json extra = Json::object()) {
    Json in{{"Name", name}};
    in.update(extra);
    return namespace_of_operation(h.ok("CreateHttpNamespace", in));
  }
  std::string private_namespace(const std::string& name) {
    return namespace_of_operation(h.ok("CreatePrivateDnsNamespace", {{"Name", name}, {"Vpc", default_vpc()}}));
  }
  Json service(const std::string& name, const std::string& ns, Json extra = Json::object()) {
    Json in{{"Name", name}, {"NamespaceId", ns}};
    in.update(extra);
    return h.ok("CreateService", in)["Service"];
  }
  Json register_instance(const std::string& service_id, const std::string& id, Json attributes) {
    return h.ok("RegisterInstance", {{"ServiceId", service_id}, {"InstanceId", id}, {"Attributes", attributes}});
  }
};

}  // namespace ecslocal::api::servicediscovery
