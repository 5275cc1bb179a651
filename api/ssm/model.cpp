#include "api/ssm/model.hpp"

#include <algorithm>
#include <cctype>

#include "api/common/base64.hpp"

namespace ecslocal::api::ssm {

ParameterVersion* Parameter::find_version(long long version) {
  for (auto& v : versions)
    if (v.version == version) return &v;
  return nullptr;
}

ParameterVersion* Parameter::find_label(const std::string& label) {
  for (auto& v : versions)
    for (const auto& l : v.labels)
      if (l == label) return &v;
  return nullptr;
}

Parameter* SsmState::find(const std::string& name) {
  auto it = parameters.find(name);
  return it == parameters.end() ? nullptr : &it->second;
}

std::string parameter_arn(const std::string& account, const std::string& region, const std::string& name) {
  return "arn:aws:ssm:" + region + ":" + account + ":parameter" + (name.rfind('/', 0) == 0 ? "" : "/") + name;
}

std::optional<NameRef> parse_name_ref(const std::string& text) {
  NameRef ref;
  std::string rest = text;
  if (text.rfind("arn:", 0) == 0) {
    // arn:<partition>:ssm:<region>:<account>:parameter/<name>[:selector]
    std::vector<std::string> parts;
    size_t start = 0;
    for (int i = 0; i < 5; ++i) {
      size_t colon = text.find(':', start);
      if (colon == std::string::npos) return std::nullopt;
      parts.push_back(text.substr(start, colon - start));
      start = colon + 1;
    }
    if (parts[2] != "ssm") return std::nullopt;
    ref.arn_region = parts[3];
    ref.arn_account = parts[4];
    rest = text.substr(start);
    if (rest.rfind("parameter/", 0) != 0) return std::nullopt;
    rest = rest.substr(10);
    if (rest.empty()) return std::nullopt;
  }
  const size_t colon = rest.rfind(':');
  std::string name = rest;
  if (colon != std::string::npos) {
    name = rest.substr(0, colon);
    ref.selector = rest.substr(colon);
    const std::string sel = ref.selector.substr(1);
    if (sel.empty()) return std::nullopt;
    if (std::all_of(sel.begin(), sel.end(), [](unsigned char c) { return std::isdigit(c); })) {
      if (sel.size() > 18) return std::nullopt;
      ref.version = std::stoll(sel);
    } else {
      ref.label = sel;
    }
  }
  if (name.empty()) return std::nullopt;
  if (!ref.arn_account.empty()) {
    // The ARN drops a hierarchical name's leading '/'; a name with a '/' is hierarchical.
    ref.name = name.find('/') != std::string::npos ? "/" + name : name;
    ref.requested = text.substr(0, text.size() - ref.selector.size());
  } else {
    ref.name = name;
    ref.requested = name;
  }
  return ref;
}

const ParameterVersion* select(SsmState& state, const NameRef& ref, const Parameter** parameter,
                               bool* version_missing) {
  if (version_missing) *version_missing = false;
  Parameter* p = state.find(ref.name);
  // A one-level ARN (parameter/foo) may stand for "foo" or "/foo".
  if (!p && !ref.arn_account.empty() && ref.name.find('/') == std::string::npos) p = state.find("/" + ref.name);
  if (parameter) *parameter = p;
  if (!p) return nullptr;
  const ParameterVersion* v = &p->latest();
  if (ref.version) v = p->find_version(*ref.version);
  else if (!ref.label.empty()) v = p->find_label(ref.label);
  if (!v && version_missing) *version_missing = true;
  return v;
}

std::string ciphertext(const ParameterVersion& v) {
  return base64_encode("ecslocal-kms:" + v.key_id + ":v" + std::to_string(v.version) + ":" + v.value);
}

}  // namespace ecslocal::api::ssm
