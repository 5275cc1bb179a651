// DescribeSecret, ListSecrets, ListSecretVersionIds, TagResource, UntagResource.
#include <algorithm>

#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"
#include "api/common/time.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/secretsmanager/errors.hpp"
#include "api/secretsmanager/mapping.hpp"
#include "api/secretsmanager/provider.hpp"

namespace ecslocal::api::secretsmanager {
namespace {

Json describe_secret(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  return secret_json(provider.existing(ctx, input), false);
}

// A ListSecrets filter: the secret matches when any value matches (a value starting with '!'
// matches when the field does not begin with the rest); fields match by prefix, ignoring case.
struct Filter {
  std::string key;
  std::vector<std::string> values;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool begins(const std::string& field, const std::string& prefix) { return lower(field).rfind(lower(prefix), 0) == 0; }

bool matches(const Secret& s, const Filter& f, const std::string& region) {
  std::vector<std::string> fields;
  auto add_tags = [&](bool keys) {
    for (const auto& [k, v] : s.tags) fields.push_back(keys ? k : v);
  };
  if (f.key == "name" || f.key == "all") fields.push_back(s.name);
  if (f.key == "description" || f.key == "all") fields.push_back(s.description);
  if (f.key == "tag-key" || f.key == "all") add_tags(true);
  if (f.key == "tag-value" || f.key == "all") add_tags(false);
  if (f.key == "primary-region") fields.push_back(region);
  // owning-service: no secret here is managed by another service.
  return std::any_of(f.values.begin(), f.values.end(), [&](const std::string& value) {
    const bool negate = !value.empty() && value[0] == '!';
    const std::string want = negate ? value.substr(1) : value;
    const bool hit = std::any_of(fields.begin(), fields.end(), [&](const std::string& field) { return begins(field, want); });
    return negate ? !hit : hit;
  });
}

Json list_secrets(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  std::vector<Filter> filters;
  for (const auto& f : json_read::items(input, "Filters")) {
    Filter filter{json_read::string_or_empty(f, "Key"), json_read::strings(f, "Values")};
    if (filter.key.empty() || filter.values.empty())
      throw InvalidParameterException("Invalid filter: a filter needs a key and at least one value.");
    filters.push_back(std::move(filter));
  }
  const bool include_deleted = json_read::flag(input, "IncludePlannedDeletion");
  const bool descending = json_read::string_or_empty(input, "SortOrder") == "desc";
  std::vector<const Secret*> found;
  for (const auto& [name, s] : provider.state(ctx).secrets) {
    if (s.scheduled_for_deletion() && !include_deleted) continue;
    if (!std::all_of(filters.begin(), filters.end(), [&](const Filter& f) { return matches(s, f, ctx.region); })) continue;
    found.push_back(&s);
  }
  std::sort(found.begin(), found.end(), [&](const Secret* a, const Secret* b) {
    return descending ? a->sequence > b->sequence : a->sequence < b->sequence;
  });
  std::vector<std::string> keys;
  for (const Secret* s : found) keys.push_back(sequence_key(s->sequence));
  PageRequest request{json_read::optional_string(input, "NextToken"), json_read::optional_long(input, "MaxResults"), 100,
                      100, "InvalidNextTokenException"};
  request.descending = descending;
  Page page = paginate(keys, request);
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) list.push_back(secret_json(*found[i], true));
  Json out{{"SecretList", std::move(list)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json list_secret_version_ids(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = provider.existing(ctx, input);
  const bool deprecated = json_read::flag(input, "IncludeDeprecated");
  std::vector<const SecretVersion*> versions;
  for (const auto& [id, v] : s.versions)
    if (deprecated || !v.stages.empty()) versions.push_back(&v);
  std::sort(versions.begin(), versions.end(), [](auto* a, auto* b) { return a->sequence < b->sequence; });
  std::vector<std::string> keys;
  for (auto* v : versions) keys.push_back(sequence_key(v->sequence));
  Page page = paginate(keys, {json_read::optional_string(input, "NextToken"), json_read::optional_long(input, "MaxResults"),
                              100, 100, "InvalidNextTokenException"});
  Json list = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    Json v{{"VersionId", versions[i]->id}, {"CreatedDate", epoch_seconds(versions[i]->created)}};
    if (!versions[i]->stages.empty()) v["VersionStages"] = versions[i]->stages;
    list.push_back(std::move(v));
  }
  Json out{{"Versions", std::move(list)}, {"ARN", s.arn}, {"Name", s.name}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json tag_resource(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = provider.existing(ctx, input);
  if (s.scheduled_for_deletion())
    throw InvalidRequestException("You can't perform this operation on the secret because it was marked for deletion.");
  auto tags = s.tags;
  for (const auto& t : json_read::items(input, "Tags")) {
    const std::string key = json_read::string_or_empty(t, "Key");
    if (key.empty()) throw InvalidParameterException("You must provide a non-empty tag key.");
    const std::string value = json_read::string_or_empty(t, "Value");
    auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& p) { return p.first == key; });
    if (it != tags.end()) it->second = value;
    else tags.emplace_back(key, value);
  }
  if (tags.size() > kMaxTags) throw InvalidParameterException("The number of tags exceeds the limit of 50 tags.");
  s.tags = std::move(tags);
  return Json::object();
}

Json untag_resource(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = provider.existing(ctx, input);
  if (s.scheduled_for_deletion())
    throw InvalidRequestException("You can't perform this operation on the secret because it was marked for deletion.");
  for (const auto& key : json_read::strings(input, "TagKeys"))
    s.tags.erase(std::remove_if(s.tags.begin(), s.tags.end(), [&](const auto& p) { return p.first == key; }), s.tags.end());
  return Json::object();
}

}  // namespace

void register_query_operations(SecretsManagerProvider& p, OperationTable& table) {
  bind_operation(table, "DescribeSecret", p, describe_secret);
  bind_operation(table, "ListSecrets", p, list_secrets);
  bind_operation(table, "ListSecretVersionIds", p, list_secret_version_ids);
  bind_operation(table, "TagResource", p, tag_resource);
  bind_operation(table, "UntagResource", p, untag_resource);
}

}  // namespace ecslocal::api::secretsmanager
