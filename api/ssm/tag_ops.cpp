// AddTagsToResource, ListTagsForResource, RemoveTagsFromResource (ResourceType Parameter; the
// other SSM resource types are not served here).
#include "api/common/json_read.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/ssm/errors.hpp"
#include "api/ssm/mapping.hpp"
#include "api/ssm/provider.hpp"

namespace ecslocal::api::ssm {
namespace {

Parameter& tagged(SsmProvider& provider, const RequestContext& ctx, const Json& input) {
  const std::string type = json_read::string_or_empty(input, "ResourceType");
  if (type != "Parameter")
    throw AwsError("NotImplementedException", "ecslocal serves tags of SSM parameters only, not of " + type + ".", 501);
  auto ref = parse_name_ref(json_read::string_or_empty(input, "ResourceId"));
  const Parameter* p = nullptr;
  if (ref && ref->selector.empty()) select(provider.state(ctx), *ref, &p);
  if (!p) throw InvalidResourceId("");
  return const_cast<Parameter&>(*p);
}

Json add_tags_to_resource(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  Parameter& p = tagged(provider, ctx, input);
  auto merged = p.tags;
  for (const auto& t : json_read::items(input, "Tags"))
    merged[json_read::string_or_empty(t, "Key")] = json_read::string_or_empty(t, "Value");
  if (merged.size() > kMaxTags) throw TooManyTagsError("");
  p.tags = std::move(merged);
  return Json::object();
}

Json list_tags_for_resource(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  return Json{{"TagList", tag_list_json(tagged(provider, ctx, input).tags)}};
}

Json remove_tags_from_resource(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  Parameter& p = tagged(provider, ctx, input);
  for (const auto& key : json_read::strings(input, "TagKeys")) p.tags.erase(key);
  return Json::object();
}

}  // namespace

void register_tag_operations(SsmProvider& p, OperationTable& table) {
  bind_operation(table, "AddTagsToResource", p, add_tags_to_resource);
  bind_operation(table, "ListTagsForResource", p, list_tags_for_resource);
  bind_operation(table, "RemoveTagsFromResource", p, remove_tags_from_resource);
}

}  // namespace ecslocal::api::ssm
