#include "api/ssm/validation.hpp"

#include <algorithm>
#include <cctype>

#include "api/protocol/aws_error.hpp"
#include "api/ssm/errors.hpp"

namespace ecslocal::api::ssm {
namespace {

constexpr int kMaxLevels = 15;
constexpr std::size_t kMaxNameLength = 1011;

bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '/'; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool reserved(const std::string& name) {
  const std::string n = lower(name.rfind('/', 0) == 0 ? name.substr(1) : name);
  return n.rfind("aws", 0) == 0 || n.rfind("ssm", 0) == 0;
}

constexpr const char* kNameRules =
    "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can "
    "consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and "
    "the following 3 symbols .-_";

}  // namespace

void validation_error(const std::string& message) { throw AwsError("ValidationException", message); }

void check_new_name(const std::string& name) {
  if (name.size() > kMaxNameLength)
    validation_error("Parameter name must be " + std::to_string(kMaxNameLength) + " characters or less.");
  if (!std::all_of(name.begin(), name.end(), [](unsigned char c) { return name_char(c); }) || reserved(name))
    validation_error(kNameRules);
  if (name.find('/') != std::string::npos) {
    if (name[0] != '/' || name.back() == '/' || name.find("//") != std::string::npos) validation_error(kNameRules);
    if (std::count(name.begin(), name.end(), '/') > kMaxLevels)
      throw HierarchyLevelLimitExceededException(
          "Parameter name can't exceed 15 levels of hierarchy (the number of '/' in the name).");
  }
}

void check_path(const std::string& path) {
  if (path.empty() || path[0] != '/' || path.find("//") != std::string::npos ||
      !std::all_of(path.begin(), path.end(), [](unsigned char c) { return name_char(c); }))
    validation_error("The parameter doesn't meet the parameter name requirements. The parameter name must begin "
                     "with a forward slash \"/\".");
  if (std::count(path.begin(), path.end(), '/') > kMaxLevels + 1)
    validation_error("A path can't exceed 15 levels of hierarchy.");
}

bool valid_label(const std::string& label) {
  if (label.empty() || label.size() > 100) return false;
  if (std::isdigit(static_cast<unsigned char>(label[0]))) return false;
  const std::string l = lower(label);
  if (l.rfind("aws", 0) == 0 || l.rfind("ssm", 0) == 0) return false;
  return std::all_of(label.begin(), label.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; });
}

}  // namespace ecslocal::api::ssm
