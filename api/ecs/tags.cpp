#include "api/ecs/errors.hpp"
#include "api/ecs/tags.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/ecs/provider.hpp"
#include "api/protocol/aws_error.hpp"

namespace ecslocal::api::ecs {
namespace {


// The model's pattern allows Unicode letters, separators and numbers plus _ . : / = + - @.
// Bytes of multi-byte UTF-8 characters are accepted as they are (no Unicode tables in api/).
bool allowed_tag_text(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return true;
    if (std::isalnum(c) || c == ' ') return true;
    return std::string_view("_.:/=+-@").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

void check_text(const std::string& what, const std::string& text) {
  if (!allowed_tag_text(text))
    throw InvalidParameterException("The tag " + what + " '" + text +
                                 "' contains characters that are not allowed. Use letters, numbers, spaces and "
                                 "the characters + - = . _ : / @.");
}

size_t user_tag_count(const std::vector<Tag>& tags) {
  return static_cast<size_t>(std::count_if(tags.begin(), tags.end(), [](const Tag& t) { return !is_aws_reserved(t.key); }));
}

}  // namespace

bool is_aws_reserved(const std::string& text) {
  if (text.size() < 4) return false;
  std::string head = text.substr(0, 4);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  return head == "aws:";
}

void validate_new_tags(const std::vector<Tag>& tags) {
  std::set<std::string> seen;
  for (const auto& tag : tags) {
    if (tag.key.empty()) throw InvalidParameterException("Each tag must have a key of 1 to 128 characters.");
    if (is_aws_reserved(tag.key))
      throw InvalidParameterException("The tag key '" + tag.key + "' uses the prefix 'aws:', which is reserved for AWS use.");
    check_text("key", tag.key);
    check_text("value", tag.value);
    if (!seen.insert(tag.key).second)
      throw InvalidParameterException("The tag key '" + tag.key + "' appears more than once. Each tag key must be unique.");
  }
  if (user_tag_count(tags) > kMaxUserTags)
    throw InvalidParameterException("A resource can have at most " + std::to_string(kMaxUserTags) + " tags.");
}

void validate_tag_keys(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (key.empty()) throw InvalidParameterException("Tag keys must have 1 to 128 characters.");
    if (is_aws_reserved(key))
      throw InvalidParameterException("The tag key '" + key + "' uses the prefix 'aws:', which is reserved for AWS use.");
  }
}

std::vector<Tag> merge_tags(const std::vector<Tag>& existing, const std::vector<Tag>& added) {
  std::vector<Tag> result = existing;
  for (const auto& tag : added) {
    auto it = std::find_if(result.begin(), result.end(), [&](const Tag& t) { return t.key == tag.key; });
    if (it != result.end())
      it->value = tag.value;
    else
      result.push_back(tag);
  }
  if (user_tag_count(result) > kMaxUserTags)
    throw InvalidParameterException("The resource would have more than " + std::to_string(kMaxUserTags) +
                                 " tags. A resource can have at most " + std::to_string(kMaxUserTags) + " tags.");
  return result;
}

std::vector<Tag> remove_tags(const std::vector<Tag>& existing, const std::vector<std::string>& keys) {
  std::vector<Tag> result;
  for (const auto& tag : existing)
    if (std::find(keys.begin(), keys.end(), tag.key) == keys.end()) result.push_back(tag);
  return result;
}

std::vector<Tag> tags_from_json(const nlohmann::json& list) {
  std::vector<Tag> tags;
  if (!list.is_array()) return tags;
  for (const auto& item : list) {
    if (!item.is_object()) continue;
    tags.push_back(Tag{item.value("key", std::string()), item.value("value", std::string())});
  }
  return tags;
}

nlohmann::json tags_to_json(const std::vector<Tag>& tags) {
  auto list = nlohmann::json::array();
  for (const auto& tag : tags) list.push_back({{"key", tag.key}, {"value", tag.value}});
  return list;
}

TagRequest tag_request_from_json(const nlohmann::json& input) {
  TagRequest request;
  request.resource_arn = input.value("resourceArn", std::string());
  if (input.contains("tags")) request.tags = tags_from_json(input["tags"]);
  if (input.contains("tagKeys") && input["tagKeys"].is_array())
    for (const auto& key : input["tagKeys"])
      if (key.is_string()) request.tag_keys.push_back(key.get<std::string>());
  return request;
}

nlohmann::json list_tags_response(const std::vector<Tag>& tags) { return {{"tags", tags_to_json(tags)}}; }

bool is_taggable_type(const std::string& resource_type) {
  static const std::set<std::string> types = {"capacity-provider", "cluster", "container-instance", "service",
                                              "task", "task-definition", "task-set"};
  return types.count(resource_type) > 0;
}

Arn resolve_tagged_resource(const EcsProvider& provider, EcsState& state, const RequestContext& ctx,
                            const std::string& resource_arn, TagAccess access) {
  auto arn = parse_arn(resource_arn);
  if (!arn || arn->resource.find('/') == std::string::npos || arn->id().empty())
    throw InvalidParameterException("Invalid ARN: '" + resource_arn + "' is not the ARN of an Amazon ECS resource.");
  if (arn->partition != "aws" || arn->service != "ecs")
    throw InvalidParameterException("Invalid ARN: '" + resource_arn + "' is not the ARN of an Amazon ECS resource.");
  if (arn->account != ctx.account_id)
    throw InvalidParameterException("Invalid identifier: the ARN is for account " + arn->account + ". Your account is " +
                                 ctx.account_id + ".");
  if (arn->region != ctx.region)
    throw InvalidParameterException("Invalid identifier: the ARN is for region " + arn->region + ". Your region is " +
                                 ctx.region + ".");
  if (!is_taggable_type(arn->type())) throw InvalidParameterException("Unsupported resource type: " + arn->type());
  const TagResolver* resolver = provider.find_tag_resolver(arn->type());
  if (!resolver) throw ResourceNotFoundException("The specified resource could not be found.");
  (*resolver)(state, ctx, *arn, access);
  return *arn;
}

}  // namespace ecslocal::api::ecs
