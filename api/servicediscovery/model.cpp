#include "api/servicediscovery/model.hpp"

#include <algorithm>
#include <cctype>

namespace ecslocal::api::servicediscovery {

bool DiscoveryService::has_record(const std::string& type) const {
  return std::any_of(dns_records.begin(), dns_records.end(), [&](const DnsRecord& r) { return r.type == type; });
}

Instance* DiscoveryService::find_instance(const std::string& wanted) {
  for (auto& i : instances)
    if (i.id == wanted) return &i;
  return nullptr;
}

const Instance* DiscoveryService::find_instance(const std::string& wanted) const {
  return const_cast<DiscoveryService*>(this)->find_instance(wanted);
}

Namespace* DiscoveryState::find_namespace(const std::string& id_or_arn) {
  auto it = namespaces.find(id_of(id_or_arn));
  if (it == namespaces.end()) return nullptr;
  if (id_or_arn.rfind("arn:", 0) == 0 && it->second.arn != id_or_arn) return nullptr;
  return &it->second;
}

Namespace* DiscoveryState::find_namespace_by_name(const std::string& name) {
  for (auto& [id, ns] : namespaces)
    if (ns.name == name) return &ns;
  return nullptr;
}

DiscoveryService* DiscoveryState::find_service(const std::string& id_or_arn) {
  auto it = services.find(id_of(id_or_arn));
  if (it == services.end()) return nullptr;
  if (id_or_arn.rfind("arn:", 0) == 0 && it->second.arn != id_or_arn) return nullptr;
  return &it->second;
}

DiscoveryService* DiscoveryState::find_service_by_name(const std::string& ns, const std::string& name) {
  for (auto& [id, s] : services)
    if (s.namespace_id == ns && s.name == name) return &s;
  return nullptr;
}

size_t DiscoveryState::service_count(const std::string& ns) const {
  return static_cast<size_t>(
      std::count_if(services.begin(), services.end(), [&](const auto& entry) { return entry.second.namespace_id == ns; }));
}

const Operation& DiscoveryState::record(IdSource& ids, const std::string& type, StringMap targets, TimePoint now) {
  Operation op;
  op.id = operation_id(ids);
  op.type = type;
  op.created = op.updated = now;
  op.targets = std::move(targets);
  op.sequence = sequence();
  if (operations.size() >= kMaxOperations) {
    auto oldest = std::min_element(operations.begin(), operations.end(),
                                   [](const auto& a, const auto& b) { return a.second.sequence < b.second.sequence; });
    operations.erase(oldest);
  }
  const std::string id = op.id;
  return operations.insert_or_assign(id, std::move(op)).first->second;
}

std::string namespace_arn(const std::string& account, const std::string& region, const std::string& id) {
  return "arn:aws:servicediscovery:" + region + ":" + account + ":namespace/" + id;
}

std::string service_arn(const std::string& account, const std::string& region, const std::string& id) {
  return "arn:aws:servicediscovery:" + region + ":" + account + ":service/" + id;
}

std::string id_of(const std::string& id_or_arn) {
  if (id_or_arn.rfind("arn:", 0) != 0) return id_or_arn;
  const auto slash = id_or_arn.rfind('/');
  return slash == std::string::npos ? id_or_arn : id_or_arn.substr(slash + 1);
}

std::string lower_alnum(IdSource& ids, size_t n) {
  static const char* kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  const std::string hex = ids.hex(2 * n);
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(kChars[std::stoul(hex.substr(2 * i, 2), nullptr, 16) % 36]);
  return out;
}

std::string namespace_id(IdSource& ids) { return "ns-" + lower_alnum(ids, 16); }
std::string service_id(IdSource& ids) { return "srv-" + lower_alnum(ids, 16); }
std::string operation_id(IdSource& ids) { return lower_alnum(ids, 32) + "-" + lower_alnum(ids, 8); }

std::string hosted_zone_id(IdSource& ids) {
  std::string out = "Z" + lower_alnum(ids, 13);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

}  // namespace ecslocal::api::servicediscovery
