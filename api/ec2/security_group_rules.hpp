#pragma once
// Security group rules on the wire: IpPermissions (and the older CidrIp/IpProtocol/FromPort/ToPort
// form) read into one rule per IPv4 range or group pair, rules written back as IpPermissions
// (grouped by protocol and ports) or as SecurityGroupRule objects.
#include <string>
#include <vector>

#include "api/service.hpp"
#include "api/vpc/vpc_registry.hpp"

namespace ecslocal::api::ec2 {

// The rules an Authorize/Revoke request names, unchecked against the group's existing rules;
// group references resolved in `state` (InvalidGroup.NotFound). Throws InvalidParameterValue for
// bad protocols or ports, MissingParameter when the request names no rule at all.
std::vector<vpc::SecurityGroupRule> requested_rules(const vpc::VpcState& state, const vpc::SecurityGroup& group,
                                                    const Json& input, bool egress);

// "peer: 0.0.0.0/0, TCP, from port: 8080, to port: 8080, ALLOW", as EC2 words duplicates.
std::string describe_rule(const vpc::SecurityGroupRule& rule);

Json ip_permissions_json(const vpc::SecurityGroup& group, bool egress, const std::string& owner_id);
Json rule_json(const vpc::VpcState& state, const vpc::SecurityGroup& group, const vpc::SecurityGroupRule& rule);

}  // namespace ecslocal::api::ec2
