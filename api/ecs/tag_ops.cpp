// TagResource, UntagResource, ListTagsForResource for every ECS resource with an ARN. Which
// resources exist is asked of the resolver each area registers (see api/ecs/tags.hpp).
#include "api/ecs/provider.hpp"
#include "api/ecs/tags.hpp"

namespace ecslocal::api::ecs {
namespace {

Json tag_resource(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  TagRequest request = tag_request_from_json(input);
  validate_new_tags(request.tags);
  resolve_tagged_resource(provider, state, ctx, request.resource_arn, TagAccess::Write);
  state.tags.set(request.resource_arn, merge_tags(state.tags.get(request.resource_arn), request.tags));
  return Json::object();
}

Json untag_resource(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  TagRequest request = tag_request_from_json(input);
  validate_tag_keys(request.tag_keys);
  resolve_tagged_resource(provider, state, ctx, request.resource_arn, TagAccess::Write);
  auto remaining = remove_tags(state.tags.get(request.resource_arn), request.tag_keys);
  if (remaining.empty())
    state.tags.erase(request.resource_arn);
  else
    state.tags.set(request.resource_arn, std::move(remaining));
  return Json::object();
}

Json list_tags_for_resource(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  TagRequest request = tag_request_from_json(input);
  resolve_tagged_resource(provider, state, ctx, request.resource_arn, TagAccess::Read);
  return list_tags_response(state.tags.get(request.resource_arn));
}

}  // namespace

void register_tag_operations(EcsProvider& provider, OperationTable& table) {
  bind_operation(table, "TagResource", provider, tag_resource);
  bind_operation(table, "UntagResource", provider, untag_resource);
  bind_operation(table, "ListTagsForResource", provider, list_tags_for_resource);
}

}  // namespace ecslocal::api::ecs
