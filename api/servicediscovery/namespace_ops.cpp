// CreateHttpNamespace, CreatePrivateDnsNamespace, CreatePublicDnsNamespace, GetNamespace,
// ListNamespaces, DeleteNamespace, UpdateHttp/PrivateDns/PublicDnsNamespace, GetOperation,
// ListOperations. Every change finishes at once and is recorded as a SUCCESS operation.
#include <algorithm>

#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"
#include "api/common/time.hpp"
#include "api/servicediscovery/errors.hpp"
#include "api/servicediscovery/mapping.hpp"
#include "api/servicediscovery/provider.hpp"
#include "api/servicediscovery/validation.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

using json_read::optional_string;
using json_read::string_or_empty;

const char* type_label(const std::string& type) {
  return type == "HTTP" ? "HTTP" : type == "DNS_PRIVATE" ? "private DNS" : "public DNS";
}

Namespace& namespace_of(DiscoveryProvider& p, const RequestContext& ctx, const std::string& id) {
  Namespace* ns = p.state(ctx).find_namespace(id);
  if (!ns) throw NamespaceNotFound("No namespace exists with ID: " + id);
  return *ns;
}

std::optional<long long> soa_ttl(const Json& input) {
  const Json* at = &input;
  for (const char* key : {"Properties", "DnsProperties", "SOA"}) {
    if (!at->is_object() || !at->contains(key)) return std::nullopt;
    at = &(*at)[key];
  }
  return json_read::optional_long(*at, "TTL");
}

Json create_namespace(DiscoveryProvider& p, const RequestContext& ctx, const Json& input, const std::string& type) {
  const std::string name = string_or_empty(input, "Name");
  if (type == "HTTP") check_http_namespace_name(name);
  else if (type == "DNS_PRIVATE") check_private_namespace_name(name);
  else check_public_namespace_name(name);
  const std::string creator = string_or_empty(input, "CreatorRequestId");
  DiscoveryState& state = p.state(ctx);
  if (const Namespace* existing = state.find_namespace_by_name(name)) {
    if (!creator.empty() && existing->creator_request_id == creator && existing->type == type &&
        state.operations.count(existing->create_operation_id))
      return Json{{"OperationId", existing->create_operation_id}};  // the same request again
    NamespaceAlreadyExists error("Namespace " + name + " already exists.");
    error.members = {{"CreatorRequestId", existing->creator_request_id}, {"NamespaceId", existing->id}};
    throw error;
  }
  Namespace ns;
  ns.name = name;
  ns.type = type;
  ns.description = string_or_empty(input, "Description");
  ns.creator_request_id = creator;
  ns.tags = tags_from(input);
  if (type != "HTTP") ns.soa_ttl = soa_ttl(input);
  if (type == "DNS_PRIVATE") {
    ns.vpc_id = string_or_empty(input, "Vpc");
    if (!p.networks().at(ctx.account_id, ctx.region).find_vpc(ns.vpc_id))
      invalid_input("The VPC " + ns.vpc_id + " does not exist in " + ctx.region + ".");
  }
  const Namespace& made = p.add_namespace(state, ctx.account_id, ctx.region, std::move(ns), ctx.now);
  return Json{{"OperationId", made.create_operation_id}};
}

Json create_http_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return create_namespace(p, ctx, input, "HTTP");
}
Json create_private_dns_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return create_namespace(p, ctx, input, "DNS_PRIVATE");
}
Json create_public_dns_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return create_namespace(p, ctx, input, "DNS_PUBLIC");
}

Json get_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const Namespace& ns = namespace_of(p, ctx, string_or_empty(input, "Id"));
  return Json{{"Namespace", namespace_json(ns, p.state(ctx).service_count(ns.id), false)}};
}

Json list_namespaces(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const auto filters = read_filters(input, {{"TYPE", {"EQ", "IN"}},
                                            {"NAME", {"EQ", "BEGINS_WITH"}},
                                            {"HTTP_NAME", {"EQ", "BEGINS_WITH"}}});
  DiscoveryState& state = p.state(ctx);
  std::vector<const Namespace*> found;
  std::vector<std::string> keys;
  for (const Namespace* ns : by_sequence(state.namespaces)) {
    const bool pass = std::all_of(filters.begin(), filters.end(), [&](const Filter& f) {
      return f.matches(f.name == "TYPE" ? ns->type : ns->name);  // HttpName is the name
    });
    if (!pass) continue;
    found.push_back(ns);
    keys.push_back(sequence_key(ns->sequence));
  }
  Page page = paginate(keys, page_request(input));
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i)
    list.push_back(namespace_json(*found[i], state.service_count(found[i]->id), true));
  Json out{{"Namespaces", std::move(list)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json delete_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const Namespace& ns = namespace_of(p, ctx, string_or_empty(input, "Id"));
  DiscoveryState& state = p.state(ctx);
  if (size_t n = state.service_count(ns.id))
    throw ResourceInUse("The namespace " + ns.id + " contains " + std::to_string(n) +
                        (n == 1 ? " service" : " services") + "; delete them before deleting the namespace.");
  const std::string id = ns.id;
  const std::string op = state.record(p.ids(), "DELETE_NAMESPACE", {{"NAMESPACE", id}}, ctx.now).id;
  state.namespaces.erase(id);
  return Json{{"OperationId", op}};
}

Json update_namespace(DiscoveryProvider& p, const RequestContext& ctx, const Json& input, const std::string& type) {
  Namespace& ns = namespace_of(p, ctx, string_or_empty(input, "Id"));
  if (ns.type != type)
    invalid_input("The namespace " + ns.id + " is a" + (ns.type == "HTTP" ? "n " : " ") + type_label(ns.type) +
                  " namespace, not a" + (type == "HTTP" ? "n " : " ") + type_label(type) + " one.");
  DiscoveryState& state = p.state(ctx);
  const std::string updater = string_or_empty(input, "UpdaterRequestId");
  if (!updater.empty())
    if (auto it = state.updater_requests.find(updater); it != state.updater_requests.end() && state.operations.count(it->second))
      return Json{{"OperationId", it->second}};
  const Json change = input.value("Namespace", Json::object());
  if (auto description = optional_string(change, "Description")) ns.description = *description;
  if (type != "HTTP")
    if (auto ttl = soa_ttl(change)) ns.soa_ttl = ttl;
  const std::string op = state.record(p.ids(), "UPDATE_NAMESPACE", {{"NAMESPACE", ns.id}}, ctx.now).id;
  if (!updater.empty()) state.updater_requests[updater] = op;
  return Json{{"OperationId", op}};
}

Json update_http_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return update_namespace(p, ctx, input, "HTTP");
}
Json update_private_dns_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return update_namespace(p, ctx, input, "DNS_PRIVATE");
}
Json update_public_dns_namespace(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return update_namespace(p, ctx, input, "DNS_PUBLIC");
}

Json get_operation(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const std::string id = string_or_empty(input, "OperationId");
  auto& ops = p.state(ctx).operations;
  auto it = ops.find(id);
  if (it == ops.end()) throw OperationNotFound("No operation exists with ID: " + id);
  return Json{{"Operation", operation_json(it->second)}};
}

double epoch_value(const std::string& text) {
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  invalid_input("UPDATE_DATE values must be Unix times in seconds, not '" + text + "'.");
}

Json list_operations(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const auto filters = read_filters(input, {{"NAMESPACE_ID", {"EQ"}},
                                            {"SERVICE_ID", {"EQ"}},
                                            {"STATUS", {"EQ", "IN"}},
                                            {"TYPE", {"EQ", "IN"}},
                                            {"UPDATE_DATE", {"BETWEEN"}}});
  auto target = [](const Operation& op, const char* kind) {
    auto it = op.targets.find(kind);
    return it == op.targets.end() ? std::string() : it->second;
  };
  DiscoveryState& state = p.state(ctx);
  std::vector<const Operation*> found;
  std::vector<std::string> keys;
  for (const Operation* op : by_sequence(state.operations)) {
    const bool pass = std::all_of(filters.begin(), filters.end(), [&](const Filter& f) {
      if (f.name == "NAMESPACE_ID") return f.matches(target(*op, "NAMESPACE"));
      if (f.name == "SERVICE_ID") return f.matches(target(*op, "SERVICE"));
      if (f.name == "STATUS") return f.matches(op->status);
      if (f.name == "TYPE") return f.matches(op->type);
      const double at = epoch_seconds(op->updated);
      return at >= epoch_value(f.values[0]) && at <= epoch_value(f.values[1]);
    });
    if (!pass) continue;
    found.push_back(op);
    keys.push_back(sequence_key(op->sequence));
  }
  Page page = paginate(keys, page_request(input));
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) list.push_back(operation_summary_json(*found[i]));
  Json out{{"Operations", std::move(list)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

}  // namespace

void register_namespace_operations(DiscoveryProvider& p, OperationTable& table) {
  bind_operation(table, "CreateHttpNamespace", p, create_http_namespace);
  bind_operation(table, "CreatePrivateDnsNamespace", p, create_private_dns_namespace);
  bind_operation(table, "CreatePublicDnsNamespace", p, create_public_dns_namespace);
  bind_operation(table, "GetNamespace", p, get_namespace);
  bind_operation(table, "ListNamespaces", p, list_namespaces);
  bind_operation(table, "DeleteNamespace", p, delete_namespace);
  bind_operation(table, "UpdateHttpNamespace", p, update_http_namespace);
  bind_operation(table, "UpdatePrivateDnsNamespace", p, update_private_dns_namespace);
  bind_operation(table, "UpdatePublicDnsNamespace", p, update_public_dns_namespace);
  bind_operation(table, "GetOperation", p, get_operation);
  bind_operation(table, "ListOperations", p, list_operations);
}

}  // namespace ecslocal::api::servicediscovery
