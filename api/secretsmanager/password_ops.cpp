// GetRandomPassword: length 1-4096 (default 32) from the character classes not excluded; with
// RequireEachIncludedType (default true) at least one of each class that is left.
#include <algorithm>
#include <string>
#include <vector>

#include "api/common/json_read.hpp"
#include "api/secretsmanager/errors.hpp"
#include "api/secretsmanager/provider.hpp"

namespace ecslocal::api::secretsmanager {
namespace {

unsigned pick(IdSource& ids, size_t n) { return static_cast<unsigned>(std::stoul(ids.hex(8), nullptr, 16) % n); }

Json get_random_password(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  const long long length = json_read::optional_long(input, "PasswordLength").value_or(32);
  const std::string exclude = json_read::string_or_empty(input, "ExcludeCharacters");
  std::vector<std::string> classes;
  auto add = [&](const char* member, bool include_by_default, std::string chars) {
    const auto flag = json_read::optional_bool(input, member);
    const bool include = member[0] == 'I' ? flag.value_or(include_by_default) : !flag.value_or(false);
    if (!include) return;
    chars.erase(std::remove_if(chars.begin(), chars.end(), [&](char c) { return exclude.find(c) != std::string::npos; }),
                chars.end());
    if (!chars.empty()) classes.push_back(std::move(chars));
  };
  add("ExcludeLowercase", true, "abcdefghijklmnopqrstuvwxyz");
  add("ExcludeUppercase", true, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  add("ExcludeNumbers", true, "0123456789");
  add("ExcludePunctuation", true, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  add("IncludeSpace", false, " ");
  if (classes.empty())
    throw InvalidParameterException("The password cannot be generated: every character type is excluded.");
  const bool each = json_read::optional_bool(input, "RequireEachIncludedType").value_or(true);
  if (each && static_cast<size_t>(length) < classes.size())
    throw InvalidParameterException("The password length is too short to include every required character type.");
  std::string all;
  for (const auto& c : classes) all += c;
  IdSource& ids = provider.ids();
  std::string password;
  if (each)
    for (const auto& c : classes) password += c[pick(ids, c.size())];
  while (password.size() < static_cast<size_t>(length)) password += all[pick(ids, all.size())];
  for (size_t i = password.size(); i > 1; --i) std::swap(password[i - 1], password[pick(ids, i)]);
  return Json{{"RandomPassword", password}};
}

}  // namespace

void register_password_operations(SecretsManagerProvider& p, OperationTable& table) {
  bind_operation(table, "GetRandomPassword", p, get_random_password);
}

}  // namespace ecslocal::api::secretsmanager
