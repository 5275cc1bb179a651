// GetParametersByPath, DescribeParameters (legacy Filters or ParameterFilters), GetParameterHistory,
// LabelParameterVersion, UnlabelParameterVersion.
#include <algorithm>
#include <set>

#include "api/common/json_read.hpp"
#include "api/common/pagination.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/ssm/errors.hpp"
#include "api/ssm/mapping.hpp"
#include "api/ssm/provider.hpp"
#include "api/ssm/validation.hpp"

namespace ecslocal::api::ssm {
namespace {

struct Filter {
  std::string key, option;
  std::vector<std::string> values;
};

bool is_tag_key(const std::string& key) { return key.rfind("tag:", 0) == 0 && key.size() > 4; }

// ParameterFilters, checked. `by_path`: GetParametersByPath (no Name or Path keys).
std::vector<Filter> parameter_filters(const Json& input, bool by_path) {
  static const std::set<std::string> keys{"Name", "Type", "KeyId", "Path", "Label", "Tier", "DataType"};
  std::vector<Filter> out;
  for (const auto& f : json_read::items(input, "ParameterFilters")) {
    Filter filter{json_read::string_or_empty(f, "Key"), json_read::string_or_empty(f, "Option"),
                  json_read::strings(f, "Values")};
    const bool tag = is_tag_key(filter.key);
    if ((!tag && !keys.count(filter.key)) || (by_path && (filter.key == "Name" || filter.key == "Path")))
      throw InvalidFilterKey("The following filter key is not valid: " + filter.key +
                             (by_path ? ". Valid filter keys include: [Type, KeyId, Label, Tier, DataType, tag]."
                                      : ". Valid filter keys include: [Name, Type, KeyId, Path, Label, Tier, DataType, "
                                        "tag]."));
    if (filter.option.empty()) filter.option = filter.key == "Path" ? "OneLevel" : "Equals";
    bool option_ok = false;
    if (filter.key == "Path") option_ok = filter.option == "Recursive" || filter.option == "OneLevel";
    else if (tag || filter.key == "Label" || filter.key == "Tier" || filter.key == "DataType") option_ok = filter.option == "Equals";
    else if (filter.key == "Name") option_ok = filter.option == "Equals" || filter.option == "BeginsWith" || filter.option == "Contains";
    else option_ok = filter.option == "Equals" || filter.option == "BeginsWith";
    if (!option_ok)
      throw InvalidFilterOption("The following filter option is not valid: " + filter.option + " for filter key " +
                                filter.key + ".");
    if (filter.values.empty() && !tag)
      throw InvalidFilterValue("The following filter values are missing : null for filter key " + filter.key);
    if (filter.key == "Path")
      for (const auto& p : filter.values) check_path(p);
    out.push_back(std::move(filter));
  }
  return out;
}

bool under_path(const std::string& name, std::string path, bool recursive) {
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  const std::string prefix = path == "/" ? "/" : path + "/";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return false;
  return recursive || name.find('/', prefix.size()) == std::string::npos;
}

bool matches_value(const std::string& actual, const Filter& f) {
  return std::any_of(f.values.begin(), f.values.end(), [&](const std::string& want) {
    if (f.option == "BeginsWith") return actual.rfind(want, 0) == 0;
    if (f.option == "Contains") return actual.find(want) != std::string::npos;
    return actual == want;
  });
}

// Whether `p` passes `f`; a Label filter also picks the version that carries the label.
bool matches(const Parameter& p, const Filter& f, const ParameterVersion** version) {
  const ParameterVersion& v = p.latest();
  if (f.key == "Name") {
    // Names given without the leading '/' match hierarchical names too, as AWS normalises them.
    Filter normalised = f;
    for (auto& value : normalised.values)
      if (!value.empty() && value[0] != '/' && p.name[0] == '/') value = "/" + value;
    return matches_value(p.name, f) || matches_value(p.name, normalised);
  }
  if (f.key == "Type") return matches_value(v.type, f);
  if (f.key == "KeyId") return !v.key_id.empty() && matches_value(v.key_id, f);
  if (f.key == "Tier") return matches_value(v.tier, f);
  if (f.key == "DataType") return matches_value(v.data_type, f);
  if (f.key == "Path")
    return std::any_of(f.values.begin(), f.values.end(),
                       [&](const std::string& path) { return under_path(p.name, path, f.option == "Recursive"); });
  if (f.key == "Label") {
    for (auto it = p.versions.rbegin(); it != p.versions.rend(); ++it)
      for (const auto& l : it->labels)
        if (std::find(f.values.begin(), f.values.end(), l) != f.values.end()) {
          if (version) *version = &*it;
          return true;
        }
    return false;
  }
  // tag:<key>, values optional
  auto tag = p.tags.find(f.key.substr(4));
  if (tag == p.tags.end()) return false;
  return f.values.empty() || matches_value(tag->second, f);
}

std::optional<long long> max_results(const Json& input) { return json_read::optional_long(input, "MaxResults"); }

Json get_parameters_by_path(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  const std::string path = json_read::string_or_empty(input, "Path");
  check_path(path);
  const bool recursive = json_read::flag(input, "Recursive");
  const bool decrypt = json_read::flag(input, "WithDecryption");
  const auto filters = parameter_filters(input, true);
  std::vector<std::pair<const Parameter*, const ParameterVersion*>> matches_found;
  std::vector<std::string> keys;
  for (const auto& [name, p] : provider.state(ctx).parameters) {
    if (!under_path(name, path, recursive)) continue;
    const ParameterVersion* v = &p.latest();
    if (!std::all_of(filters.begin(), filters.end(), [&](const Filter& f) { return matches(p, f, &v); })) continue;
    matches_found.emplace_back(&p, v);
    keys.push_back(name);
  }
  Page page = paginate(keys, {json_read::optional_string(input, "NextToken"), max_results(input), 10, 10, "InvalidNextToken"});
  Json out_params = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) {
    const auto& [p, v] = matches_found[i];
    out_params.push_back(parameter_json(ctx, *p, *v, p->name, "", decrypt));
  }
  Json out{{"Parameters", std::move(out_params)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

// Legacy DescribeParameters Filters: Name (begins with), Type, KeyId (equals).
std::vector<Filter> legacy_filters(const Json& input) {
  std::vector<Filter> out;
  for (const auto& f : json_read::items(input, "Filters")) {
    Filter filter{json_read::string_or_empty(f, "Key"), "Equals", json_read::strings(f, "Values")};
    if (filter.key == "Name") filter.option = "BeginsWith";
    out.push_back(std::move(filter));
  }
  return out;
}

Json describe_parameters(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  const bool legacy = !json_read::items(input, "Filters").empty();
  if (legacy && !json_read::items(input, "ParameterFilters").empty())
    validation_error("You can use either Filters or ParameterFilters in a single request.");
  const auto filters = legacy ? legacy_filters(input) : parameter_filters(input, false);
  std::vector<const Parameter*> found;
  std::vector<std::string> keys;
  for (const auto& [name, p] : provider.state(ctx).parameters) {
    if (!std::all_of(filters.begin(), filters.end(), [&](const Filter& f) { return matches(p, f, nullptr); })) continue;
    found.push_back(&p);
    keys.push_back(name);
  }
  Page page = paginate(keys, {json_read::optional_string(input, "NextToken"), max_results(input), 10, 50, "InvalidNextToken"});
  Json out_params = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) out_params.push_back(metadata_json(*found[i]));
  Json out{{"Parameters", std::move(out_params)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

// The parameter a name-only member names (name or ARN, no selector); ParameterNotFound else.
Parameter& named(SsmProvider& provider, const RequestContext& ctx, const Json& input) {
  auto ref = parse_name_ref(json_read::string_or_empty(input, "Name"));
  if (!ref || !ref->selector.empty() ||
      (!ref->arn_account.empty() && (ref->arn_account != ctx.account_id || ref->arn_region != ctx.region)))
    throw ParameterNotFound("");
  const Parameter* p = nullptr;
  select(provider.state(ctx), *ref, &p);
  if (!p) throw ParameterNotFound("");
  return const_cast<Parameter&>(*p);
}

Json get_parameter_history(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  const Parameter& p = named(provider, ctx, input);
  const bool decrypt = json_read::flag(input, "WithDecryption");
  std::vector<std::string> keys;
  for (const auto& v : p.versions) keys.push_back(sequence_key(static_cast<std::uint64_t>(v.version)));
  Page page = paginate(keys, {json_read::optional_string(input, "NextToken"), max_results(input), 50, 50, "InvalidNextToken"});
  Json versions = Json::array();
  for (size_t i = page.begin; i < page.end; ++i) versions.push_back(history_json(p, p.versions[i], decrypt));
  Json out{{"Parameters", std::move(versions)}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

ParameterVersion& version_of(Parameter& p, const Json& input) {
  auto wanted = json_read::optional_long(input, "ParameterVersion");
  if (!wanted) return p.versions.back();
  ParameterVersion* v = p.find_version(*wanted);
  if (!v)
    throw ParameterVersionNotFound("Systems Manager could not find version " + std::to_string(*wanted) + " of " +
                                   p.name + ". Verify the version and try again.");
  return *v;
}

Json label_parameter_version(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  Parameter& p = named(provider, ctx, input);
  ParameterVersion& target = version_of(p, input);
  std::vector<std::string> valid;
  Json invalid = Json::array();
  for (const auto& label : json_read::strings(input, "Labels")) {
    if (!valid_label(label)) invalid.push_back(label);
    else if (std::find(valid.begin(), valid.end(), label) == valid.end()) valid.push_back(label);
  }
  std::set<std::string> after(target.labels.begin(), target.labels.end());
  after.insert(valid.begin(), valid.end());
  if (after.size() > kMaxLabelsPerVersion)
    throw ParameterVersionLabelLimitExceeded(
        "A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.");
  for (const auto& label : valid) {
    for (auto& v : p.versions) v.labels.erase(std::remove(v.labels.begin(), v.labels.end(), label), v.labels.end());
    target.labels.push_back(label);
  }
  Json out{{"ParameterVersion", target.version}};
  if (!invalid.empty()) out["InvalidLabels"] = std::move(invalid);  // the model's lists have at least 1 item
  return out;
}

Json unlabel_parameter_version(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  Parameter& p = named(provider, ctx, input);
  ParameterVersion& target = version_of(p, input);
  Json removed = Json::array(), invalid = Json::array();
  for (const auto& label : json_read::strings(input, "Labels")) {
    auto it = std::find(target.labels.begin(), target.labels.end(), label);
    if (it == target.labels.end()) {
      invalid.push_back(label);
      continue;
    }
    target.labels.erase(it);
    removed.push_back(label);
  }
  Json out = Json::object();
  if (!removed.empty()) out["RemovedLabels"] = std::move(removed);
  if (!invalid.empty()) out["InvalidLabels"] = std::move(invalid);
  return out;
}

}  // namespace

void register_query_operations(SsmProvider& p, OperationTable& table) {
  bind_operation(table, "GetParametersByPath", p, get_parameters_by_path);
  bind_operation(table, "DescribeParameters", p, describe_parameters);
  bind_operation(table, "GetParameterHistory", p, get_parameter_history);
  bind_operation(table, "LabelParameterVersion", p, label_parameter_version);
  bind_operation(table, "UnlabelParameterVersion", p, unlabel_parameter_version);
}

}  // namespace ecslocal::api::ssm
