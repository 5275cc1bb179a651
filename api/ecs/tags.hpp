#pragma once
// Tags of every ECS resource, keyed by the resource's ARN (clusters, task definitions, services,
// tasks, ...), plus the rules AWS applies to them and the resolver table TagResource,
// UntagResource and ListTagsForResource use to find out whether an ARN names a live resource.
//
// How an area plugs in:
//  - at creation, validate the request's tags with `validate_new_tags` and keep them with
//    `state.tags.set(arn, tags)`; when the resource goes away for good, `state.tags.erase(arn)`;
//  - in its register_<area>_operations(), call
//      provider.register_tag_resolver("task-definition", [](EcsState& s, const RequestContext& ctx,
//                                                 const Arn& arn, TagAccess access) { ... });
//    The resolver returns normally when the resource exists and may be read (ListTagsForResource)
//    or changed (TagResource/UntagResource), and throws the AwsError AWS answers otherwise
//    (clusters: ClusterNotFoundException "Cluster not found.").
//  The tag operations have already checked the ARN's syntax, service ("ecs"), account and region
//  and that the resource type is one ECS can tag; a type with no resolver yet answers
//  ResourceNotFoundException.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/ecs/arn.hpp"
#include "api/service.hpp"

namespace ecslocal::api::ecs {

struct EcsState;
class EcsProvider;

struct Tag {
  std::string key;
  std::string value;
};

class TagStore {
 public:
  const std::vector<Tag>& get(const std::string& arn) const {
    static const std::vector<Tag> empty;
    auto it = tags_.find(arn);
    return it == tags_.end() ? empty : it->second;
  }
  void set(const std::string& arn, std::vector<Tag> tags) { tags_[arn] = std::move(tags); }
  void erase(const std::string& arn) { tags_.erase(arn); }
  const std::map<std::string, std::vector<Tag>>& all() const { return tags_; }  // by ARN (snapshots)

 private:
  std::map<std::string, std::vector<Tag>> tags_;
};

// --- rules (all throw InvalidParameterException) ---

constexpr size_t kMaxUserTags = 50;  // per resource; aws:-prefixed keys do not count

bool is_aws_reserved(const std::string& text);  // "aws:" in any letter case
// Keys present, unique within the request, not aws:-reserved, allowed characters.
void validate_new_tags(const std::vector<Tag>& tags);
// Keys to remove: present and not aws:-reserved.
void validate_tag_keys(const std::vector<std::string>& keys);
// `existing` with `added` applied (same key: value replaced, order of first appearance kept);
// throws when the result holds more than kMaxUserTags user tags.
std::vector<Tag> merge_tags(const std::vector<Tag>& existing, const std::vector<Tag>& added);
std::vector<Tag> remove_tags(const std::vector<Tag>& existing, const std::vector<std::string>& keys);

// --- wire form ([{key, value}]) ---

std::vector<Tag> tags_from_json(const nlohmann::json& list);  // absent/null → empty
nlohmann::json tags_to_json(const std::vector<Tag>& tags);

// TagResource / UntagResource / ListTagsForResource requests and the ListTagsForResource reply.
struct TagRequest {
  std::string resource_arn;
  std::vector<Tag> tags;              // TagResource
  std::vector<std::string> tag_keys;  // UntagResource
};
TagRequest tag_request_from_json(const nlohmann::json& input);
nlohmann::json list_tags_response(const std::vector<Tag>& tags);

// --- resolvers: one per ARN resource type ("cluster", "task-definition", "service", ...) ---
// Registered on the EcsProvider (EcsProvider::register_tag_resolver) by each area.

enum class TagAccess { Read, Write };
using TagResolver = std::function<void(EcsState&, const RequestContext&, const Arn&, TagAccess)>;

// The resource types TagResource accepts (capacity providers, clusters, container instances,
// services, tasks, task definitions, task sets).
bool is_taggable_type(const std::string& resource_type);

// Parses and checks a resourceArn (syntax, ecs, caller's account and region, taggable type) and
// runs the type's resolver. Returns the parsed ARN.
Arn resolve_tagged_resource(const EcsProvider& provider, EcsState& state, const RequestContext& ctx,
                            const std::string& resource_arn, TagAccess access);

}  // namespace ecslocal::api::ecs
