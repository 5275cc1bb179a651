// TagResource, UntagResource, ListTagsForResource on namespace and service ARNs.
#include "api/common/json_read.hpp"
#include "api/servicediscovery/errors.hpp"
#include "api/servicediscovery/mapping.hpp"
#include "api/servicediscovery/provider.hpp"
#include "api/servicediscovery/validation.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

StringMap& tags_of(DiscoveryProvider& p, const RequestContext& ctx, const std::string& arn) {
  DiscoveryState& state = p.state(ctx);
  const std::string prefix = "arn:aws:servicediscovery:" + ctx.region + ":" + ctx.account_id + ":";
  if (arn.rfind(prefix + "namespace/", 0) == 0)
    if (Namespace* ns = state.find_namespace(arn)) return ns->tags;
  if (arn.rfind(prefix + "service/", 0) == 0)
    if (DiscoveryService* s = state.find_service(arn)) return s->tags;
  throw ResourceNotFoundException("The resource " + arn + " does not exist.");
}

Json tag_resource(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  const std::string arn = json_read::string_or_empty(input, "ResourceARN");
  StringMap& tags = tags_of(p, ctx, arn);
  StringMap merged = tags;
  for (auto& [k, v] : tags_from(input, arn)) merged[k] = v;
  if (merged.size() > kMaxTags)
    throw TooManyTagsException("A resource can have at most " + std::to_string(kMaxTags) + " tags: " + arn + ".");
  tags = std::move(merged);
  return Json::object();
}

Json untag_resource(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  StringMap& tags = tags_of(p, ctx, json_read::string_or_empty(input, "ResourceARN"));
  for (const auto& key : json_read::strings(input, "TagKeys")) tags.erase(key);
  return Json::object();
}

Json list_tags_for_resource(DiscoveryProvider& p, const RequestContext& ctx, Json& input) {
  return Json{{"Tags", tag_list_json(tags_of(p, ctx, json_read::string_or_empty(input, "ResourceARN")))}};
}

}  // namespace

void register_tag_operations(DiscoveryProvider& p, OperationTable& table) {
  bind_operation(table, "TagResource", p, tag_resource);
  bind_operation(table, "UntagResource", p, untag_resource);
  bind_operation(table, "ListTagsForResource", p, list_tags_for_resource);
}

}  // namespace ecslocal::api::servicediscovery
