#include "api/iam/validation.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "api/protocol/model.hpp"

namespace ecslocal::api::iam {
namespace {

[[noreturn]] void pattern_error(const std::string& value, const char* member, const char* pattern) {
  throw validation_error("1 validation error detected: Value '" + value + "' at '" + member +
                                        "' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
                                        pattern);
}

}  // namespace

AwsError role_not_found(const std::string& role_name) {
  return NoSuchEntityException("The role with name " + role_name + " cannot be found.");
}

void validate_name(const std::string& value, const char* member) {
  for (unsigned char c : value) {
    if (!(std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-'))
      pattern_error(value, member, "[\\w+=,.@-]+");
  }
}

void validate_path(const std::string& value, const char* member) {
  bool ok = value == "/";
  if (!ok && value.size() >= 3 && value.front() == '/' && value.back() == '/') {
    ok = true;
    for (unsigned char c : value) ok = ok && c >= 0x21 && c <= 0x7f;
  }
  if (!ok) pattern_error(value, member, "(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)");
}

void validate_policy_document(const std::string& document) {
  auto parsed = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) throw MalformedPolicyDocumentException("This policy contains invalid Json");
  if (!parsed.contains("Statement")) throw MalformedPolicyDocumentException("Syntax errors in policy.");
}

std::string iam_unique_id(IdSource& ids, const std::string& prefix) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string hex = ids.hex(34);
  std::string out = prefix;
  for (size_t i = 0; i < 34; i += 2) out.push_back(kAlphabet[std::stoi(hex.substr(i, 2), nullptr, 16) % 32]);
  return out;
}

}  // namespace ecslocal::api::iam
