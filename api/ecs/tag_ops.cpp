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
  resolve_tagged_resource(state, ctx, request.resource_arn, TagAccess::Write);
  state.tags.set(request.resource_arn, merge_tags(state.tags.get(request.resource_arn), request.tags));
  return Json::object();
}

Json untag_resource(EcsProvider& provider, const RequestContext& ctx, Json& input) {
  auto& state = provider.state(ctx);
  TagRequest request = tag_request_from_json(input);
  validate_tag_keys(request.tag_keys);
  resolve_tagged_resource(state, ctx, request.resource_arn, TagAccess::Write);
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
  resolve_tagged_resource(state, ctx, request.resource_arn, TagAccess::Read);
  return list_tags_response(state.tags.get(request.resource_arn));
}

}  // namespace

void register_tag_operations(EcsProvider& provider, OperationTable& table) {
  table["TagResource"] = [&provider](const RequestContext& ctx, Json& input) { return tag_resource(provider, ctx, input); };
  table["UntagResource"] = [&provider](const RequestContext& ctx, Json& input) {
    return untag_resource(provider, ctx, input);
  };
  table["ListTagsForResource"] = [&provider](const RequestContext& ctx, Json& input) {
    return list_tags_for_resource(provider, ctx, input);
  };
}

}  // namespace ecslocal::api::ecs
