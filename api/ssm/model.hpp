#pragma once
// SSM Parameter Store state of one account in one region: parameters with their versions (at
// most kMaxVersions kept, oldest dropped), labels and tags. Owned by the state strand: no locks.
//
// Names: case-sensitive, [a-zA-Z0-9_.-/]; a hierarchical name starts with '/' and has at most 15
// levels; names beginning with aws or ssm (case-insensitive, with or without the leading '/') are
// reserved. A request may name a parameter by name, by ARN (arn:aws:ssm:<r>:<a>:parameter/<name
// without its leading '/'>) and, where AWS allows it, with a selector ":<version>" or ":<label>".
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/common/account_region_store.hpp"

namespace ecslocal::api::ssm {

using TimePoint = std::chrono::system_clock::time_point;

inline constexpr std::size_t kMaxVersions = 100;
inline constexpr std::size_t kMaxLabelsPerVersion = 10;
inline constexpr std::size_t kMaxTags = 50;
inline constexpr const char* kDefaultKeyId = "alias/aws/ssm";

struct ParameterVersion {
  long long version = 0;
  std::string type;  // String | StringList | SecureString
  std::string value;
  std::string key_id;  // SecureString only
  std::string description, allowed_pattern;
  std::string tier = "Standard";
  std::string data_type = "text";
  std::string last_modified_user;
  TimePoint modified{};
  std::vector<std::string> labels;
};

struct Parameter {
  std::string name;
  std::deque<ParameterVersion> versions;  // ascending; never empty
  std::map<std::string, std::string> tags;

  const ParameterVersion& latest() const { return versions.back(); }
  ParameterVersion* find_version(long long version);
  ParameterVersion* find_label(const std::string& label);
};

struct SsmState {
  std::map<std::string, Parameter> parameters;  // by name
  Parameter* find(const std::string& name);
};

using SsmStore = AccountRegionStore<SsmState>;

// What a request's Name member says: the parameter name, the selector (":3", ":label") when
// present, and whether it came as an ARN (then `requested` is the ARN without the selector).
struct NameRef {
  std::string name;       // the parameter's own name (the ARN's resource part turned back)
  std::string requested;  // what to echo as Name: the name, or the ARN
  std::string selector;   // "" or ":<version>" / ":<label>"
  std::optional<long long> version;
  std::string label;
  std::string arn_account, arn_region;  // when given as an ARN
};

// Splits name / ARN / selector. nullopt when the text is not a parameter reference at all.
std::optional<NameRef> parse_name_ref(const std::string& text);

// arn:aws:ssm:<region>:<account>:parameter/<name without its leading '/'>
std::string parameter_arn(const std::string& account, const std::string& region, const std::string& name);

// The version a reference selects in `state` (latest without a selector); null when there is no
// such parameter or version (`version_missing` tells which).
const ParameterVersion* select(SsmState& state, const NameRef& ref, const Parameter** parameter,
                               bool* version_missing = nullptr);

// The opaque text GetParameter answers for a SecureString read without decryption.
std::string ciphertext(const ParameterVersion& v);

}  // namespace ecslocal::api::ssm
