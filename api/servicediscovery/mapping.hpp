#pragma once
// Cloud Map entities → JSON: the only file with the wire names of outputs.
#include "api/service.hpp"
#include "api/servicediscovery/model.hpp"

namespace ecslocal::api::servicediscovery {

Json namespace_json(const Namespace& ns, size_t service_count, bool summary);  // Namespace | NamespaceSummary
Json service_json(const DiscoveryService& s, bool summary);                    // Service | ServiceSummary
Json operation_json(const Operation& op);                                      // GetOperation
Json operation_summary_json(const Operation& op);                              // ListOperations
Json instance_json(const Instance& i);                                         // GetInstance
Json instance_summary_json(const Instance& i);                                 // ListInstances
// DiscoverInstances: `health` as reported (HEALTHY | UNHEALTHY | UNKNOWN).
Json http_instance_json(const Instance& i, const std::string& namespace_name, const std::string& service_name,
                        const std::string& health);
Json tag_list_json(const StringMap& tags);
Json service_attributes_json(const DiscoveryService& s);  // GetServiceAttributes

}  // namespace ecslocal::api::servicediscovery
