// PutParameter, GetParameter, GetParameters, DeleteParameter, DeleteParameters.
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "api/common/json_read.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/ssm/errors.hpp"
#include "api/ssm/mapping.hpp"
#include "api/ssm/provider.hpp"
#include "api/ssm/validation.hpp"

namespace ecslocal::api::ssm {
namespace {

constexpr std::size_t kStandardMaxValue = 4096, kAdvancedMaxValue = 8192;

std::map<std::string, std::string> tags_from(const Json& input) {
  std::map<std::string, std::string> out;
  for (const auto& t : json_read::items(input, "Tags"))
    out[json_read::string_or_empty(t, "Key")] = json_read::string_or_empty(t, "Value");
  return out;
}

// AllowedPattern is a regular expression the value must match. It is evaluated in polynomial
// time (libstdc++'s automaton mode: no catastrophic backtracking on hostile patterns, no back
// references), and bounded repetitions multiplying past kMaxRepetitions are refused, so one
// request can neither hang the state strand nor build a huge automaton.
constexpr double kMaxRepetitions = 10000;

bool repetitions_bounded(const std::string& pattern) {
  double product = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] != '{') continue;
    size_t end = pattern.find('}', i);
    if (end == std::string::npos) return true;  // not a bound: the regex compiler decides
    double largest = 0;
    std::string number;
    for (size_t j = i + 1; j <= end; ++j) {
      if (std::isdigit(static_cast<unsigned char>(pattern[j]))) {
        number += pattern[j];
        continue;
      }
      if (!number.empty()) largest = std::max(largest, number.size() > 9 ? 1e10 : std::stod(number));
      number.clear();
    }
    product *= std::max(largest, 1.0);
    if (product > kMaxRepetitions) return false;
  }
  return true;
}

void check_pattern(const std::string& pattern, const std::string& value) {
  if (pattern.empty()) return;
  auto invalid = [&] {
    return InvalidAllowedPatternException("The allowed pattern " + pattern + " is not a valid regular expression.");
  };
  if (!repetitions_bounded(pattern)) throw invalid();
  auto flags = std::regex::ECMAScript;
#ifdef __GLIBCXX__
  flags |= std::regex_constants::__polynomial;
#endif
  bool matched = false;
  try {
    const std::regex re(pattern, flags);
    matched = std::regex_match(value, re);
  } catch (const std::regex_error&) {
    throw invalid();  // malformed, or a back reference the polynomial mode cannot evaluate
  }
  if (!matched) throw ParameterPatternMismatchException("Parameter value, cannot be validated against allowedPattern: " + pattern);
}

std::string tier_for(const std::string& requested, const std::string& previous, std::size_t value_size) {
  std::string tier = requested.empty() ? (previous.empty() ? "Standard" : previous) : requested;
  if (tier == "Intelligent-Tiering") tier = value_size > kStandardMaxValue || previous == "Advanced" ? "Advanced" : "Standard";
  if (tier == "Standard" && previous == "Advanced")
    validation_error("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the "
                     "advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the "
                     "advanced parameter and recreate it as a standard parameter.");
  if (tier == "Standard" && value_size > kStandardMaxValue)
    validation_error("Standard tier parameters support a maximum parameter value of 4096 characters. To create a "
                     "larger parameter value, upgrade the parameter to use the advanced-parameter tier.");
  if (value_size > kAdvancedMaxValue)
    validation_error("Advanced tier parameters support a maximum parameter value of 8192 characters.");
  return tier;
}

Json put_parameter(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  std::string name = json_read::string_or_empty(input, "Name");
  if (name.rfind("arn:", 0) == 0) {
    auto ref = parse_name_ref(name);
    if (!ref || !ref->selector.empty() || ref->arn_account != ctx.account_id || ref->arn_region != ctx.region)
      validation_error("Invalid parameter name. Please ensure that you have specified a valid name or ARN.");
    name = ref->name;
  }
  check_new_name(name);
  const std::string value = json_read::string_or_empty(input, "Value");
  if (value.empty())
    validation_error("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must "
                     "have length greater than or equal to 1");
  const bool overwrite = json_read::flag(input, "Overwrite");
  const auto tags = tags_from(input);
  if (!json_read::items(input, "Tags").empty() && overwrite)
    validation_error("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, "
                     "please remove overwrite flag. To update tags on an existing parameter, please use "
                     "AddTagsToResource or RemoveTagsFromResource.");
  if (input.contains("Policies"))
    throw AwsError("NotImplementedException", "ecslocal does not implement parameter policies yet.", 501);

  SsmState& state = provider.state(ctx);
  Parameter* existing = state.find(name);
  if (existing && !overwrite)
    throw ParameterAlreadyExists(
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
  const ParameterVersion* previous = existing ? &existing->latest() : nullptr;

  ParameterVersion v;
  v.type = json_read::string_or_empty(input, "Type");
  if (v.type.empty()) {
    if (!previous) validation_error("A parameter type is required when you create a parameter.");
    v.type = previous->type;
  }
  auto key_id = json_read::optional_string(input, "KeyId");
  if (key_id && v.type != "SecureString")
    validation_error("KeyId is required for SecureString type parameter only.");
  if (v.type == "SecureString")
    v.key_id = key_id ? *key_id : (previous && previous->type == "SecureString" ? previous->key_id : kDefaultKeyId);
  v.value = value;
  v.description = json_read::optional_string(input, "Description").value_or(previous ? previous->description : "");
  v.allowed_pattern =
      json_read::optional_string(input, "AllowedPattern").value_or(previous ? previous->allowed_pattern : "");
  v.data_type = json_read::optional_string(input, "DataType").value_or(previous ? previous->data_type : "text");
  if (v.data_type.empty()) v.data_type = "text";
  if (v.data_type != "text" && v.data_type != "aws:ec2:image" && v.data_type != "aws:ssm:integration")
    validation_error("The following data type is not supported: " + v.data_type +
                     " (Data type names are all lowercase.)");
  if (v.data_type != "text" && v.type != "String")
    validation_error("The data type " + v.data_type + " is only supported for String parameters.");
  v.tier = tier_for(json_read::string_or_empty(input, "Tier"), previous ? previous->tier : "", value.size());
  check_pattern(v.allowed_pattern, value);
  v.last_modified_user = "arn:aws:iam::" + ctx.account_id + ":root";
  v.modified = ctx.now;
  v.version = previous ? previous->version + 1 : 1;

  if (existing) {
    if (existing->versions.size() >= kMaxVersions) {
      const ParameterVersion& oldest = existing->versions.front();
      if (!oldest.labels.empty())
        throw ParameterMaxVersionLimitExceeded(
            "You attempted to create a new version of " + name + " by calling the PutParameter API with the "
            "overwrite flag. Version " + std::to_string(oldest.version) + ", the oldest version, can't be deleted "
            "because it has a label associated with it. Move the label to another version of the parameter, and try "
            "again.");
      existing->versions.pop_front();
    }
    existing->versions.push_back(v);
  } else {
    Parameter p;
    p.name = name;
    p.tags = tags;
    p.versions.push_back(v);
    state.parameters.emplace(name, std::move(p));
  }
  return Json{{"Version", v.version}, {"Tier", v.tier}};
}

// The parameter version `text` names, or the error GetParameter answers.
const ParameterVersion& lookup(SsmState& state, const RequestContext& ctx, const std::string& text, NameRef& ref,
                               const Parameter*& parameter) {
  auto parsed = parse_name_ref(text);
  if (!parsed || (!parsed->arn_account.empty() && (parsed->arn_account != ctx.account_id || parsed->arn_region != ctx.region)))
    throw ParameterNotFound("");
  ref = *parsed;
  bool version_missing = false;
  const ParameterVersion* v = select(state, ref, &parameter, &version_missing);
  if (!parameter) throw ParameterNotFound("");
  if (!v) {
    if (ref.version)
      throw ParameterVersionNotFound("Systems Manager could not find version " + std::to_string(*ref.version) + " of " +
                                     ref.name + ". Verify the version and try again.");
    throw ParameterVersionNotFound("Systems Manager could not find label " + ref.label + " of " + ref.name +
                                   ". Verify the label and try again.");
  }
  return *v;
}

Json get_parameter(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  NameRef ref;
  const Parameter* p = nullptr;
  const ParameterVersion& v = lookup(provider.state(ctx), ctx, json_read::string_or_empty(input, "Name"), ref, p);
  return Json{{"Parameter", parameter_json(ctx, *p, v, ref.requested, ref.selector, json_read::flag(input, "WithDecryption"))}};
}

Json get_parameters(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  const bool decrypt = json_read::flag(input, "WithDecryption");
  Json found = Json::array(), invalid = Json::array();
  std::set<std::string> seen;
  for (const auto& text : json_read::strings(input, "Names")) {
    if (!seen.insert(text).second) continue;
    try {
      NameRef ref;
      const Parameter* p = nullptr;
      const ParameterVersion& v = lookup(provider.state(ctx), ctx, text, ref, p);
      found.push_back(parameter_json(ctx, *p, v, ref.requested, ref.selector, decrypt));
    } catch (const AwsError&) {
      invalid.push_back(text);
    }
  }
  Json out{{"Parameters", std::move(found)}};
  if (!invalid.empty()) out["InvalidParameters"] = std::move(invalid);  // ParameterNameList has at least 1 item
  return out;
}

// The stored name a Delete names (name or ARN, no selector); nullopt when none.
std::optional<std::string> existing_name(SsmState& state, const RequestContext& ctx, const std::string& text) {
  auto ref = parse_name_ref(text);
  if (!ref || !ref->selector.empty()) return std::nullopt;
  if (!ref->arn_account.empty() && (ref->arn_account != ctx.account_id || ref->arn_region != ctx.region)) return std::nullopt;
  const Parameter* p = nullptr;
  select(state, *ref, &p);
  if (!p) return std::nullopt;
  return p->name;
}

Json delete_parameter(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  SsmState& state = provider.state(ctx);
  auto name = existing_name(state, ctx, json_read::string_or_empty(input, "Name"));
  if (!name) throw ParameterNotFound("");
  state.parameters.erase(*name);
  return Json::object();
}

Json delete_parameters(SsmProvider& provider, const RequestContext& ctx, Json& input) {
  SsmState& state = provider.state(ctx);
  Json deleted = Json::array(), invalid = Json::array();
  std::set<std::string> seen;
  for (const auto& text : json_read::strings(input, "Names")) {
    if (!seen.insert(text).second) continue;
    if (auto name = existing_name(state, ctx, text)) {
      state.parameters.erase(*name);
      deleted.push_back(text);
    } else {
      invalid.push_back(text);
    }
  }
  Json out = Json::object();
  if (!deleted.empty()) out["DeletedParameters"] = std::move(deleted);
  if (!invalid.empty()) out["InvalidParameters"] = std::move(invalid);
  return out;
}

}  // namespace

void register_parameter_operations(SsmProvider& p, OperationTable& table) {
  bind_operation(table, "PutParameter", p, put_parameter);
  bind_operation(table, "GetParameter", p, get_parameter);
  bind_operation(table, "GetParameters", p, get_parameters);
  bind_operation(table, "DeleteParameter", p, delete_parameter);
  bind_operation(table, "DeleteParameters", p, delete_parameters);
}

}  // namespace ecslocal::api::ssm
