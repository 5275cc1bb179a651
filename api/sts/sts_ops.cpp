// GetCallerIdentity and AssumeRole. Wire names: api/sts/mapping.hpp.
#include <cctype>

#include "api/sts/errors.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/sts/mapping.hpp"
#include "api/sts/provider.hpp"

namespace ecslocal::api::sts {
namespace {

constexpr int kDefaultDurationSeconds = 3600;

struct RoleArn {
  std::string account_id, path, name;
};

// arn:aws:iam::<12 digits>:role/<path/>name
std::optional<RoleArn> parse_role_arn(const std::string& arn) {
  const std::string head = "arn:aws:iam::";
  if (arn.rfind(head, 0) != 0 || arn.size() < head.size() + 12 + 6) return std::nullopt;
  RoleArn out;
  out.account_id = arn.substr(head.size(), 12);
  for (char c : out.account_id)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  if (arn.compare(head.size() + 12, 6, ":role/") != 0) return std::nullopt;
  const std::string rest = arn.substr(head.size() + 17);  // "/path/name" or "/name"
  const auto slash = rest.rfind('/');
  out.path = rest.substr(0, slash + 1);
  out.name = rest.substr(slash + 1);
  if (out.name.empty()) return std::nullopt;
  return out;
}

// The identity behind the request's access key: an assumed role, or the account's root.
CallerIdentity caller_of(StsProvider& provider, const RequestContext& ctx) {
  if (const Session* s = provider.sessions().find(ctx.access_key))
    return {s->assumed_role_id, s->account_id, s->assumed_role_arn};
  return {ctx.account_id, ctx.account_id, "arn:aws:iam::" + ctx.account_id + ":root"};
}

std::string random_text(IdSource& ids, const char* alphabet, size_t alphabet_size, size_t length) {
  const std::string hex = ids.hex(length * 2);
  std::string out;
  for (size_t i = 0; i < length; ++i) out.push_back(alphabet[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % alphabet_size]);
  return out;
}

Credentials new_credentials(IdSource& ids, Clock::time_point expiration) {
  static const char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  return {"ASIA" + random_text(ids, kUpper, 32, 16), random_text(ids, kBase64, 64, 40),
          random_text(ids, kBase64, 64, 356), expiration};
}

void validate_session_name(const std::string& name) {
  for (unsigned char c : name) {
    if (!(std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-'))
      throw validation_error("1 validation error detected: Value '" + name +
                                            "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy "
                                            "regular expression pattern: [\\w+=,.@-]*");
  }
}

Json get_caller_identity(StsProvider& provider, const RequestContext& ctx, Json&) {
  return caller_identity_response(caller_of(provider, ctx));
}

Json assume_role(StsProvider& provider, const RequestContext& ctx, Json& input) {
  const AssumeRoleRequest r = assume_role_request_from_json(input);
  validate_session_name(r.session_name);
  const auto arn = parse_role_arn(r.role_arn);
  if (!arn) throw validation_error(r.role_arn + " is not a valid role ARN.");
  std::string role_id = "AROA" + random_text(provider.ids(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32, 17);
  int max_duration = 43200;
  if (const RoleDirectory* roles = provider.roles()) {
    const auto role = roles->find_role(arn->account_id, arn->name);
    if (!role || role->path != arn->path)
      throw access_denied("User: " + caller_of(provider, ctx).arn +
                                         " is not authorized to perform: sts:AssumeRole on resource: " + r.role_arn);
    role_id = role->id;
    max_duration = role->max_session_duration;
  }
  const int duration = r.duration_seconds.value_or(kDefaultDurationSeconds);
  if (duration > max_duration)
    throw validation_error("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  Credentials credentials = new_credentials(provider.ids(), ctx.now + std::chrono::seconds(duration));
  Session session{credentials.access_key_id, arn->account_id,
                  "arn:aws:sts::" + arn->account_id + ":assumed-role/" + arn->name + "/" + r.session_name,
                  role_id + ":" + r.session_name, credentials.expiration};
  provider.sessions().put(session);
  return assume_role_response(credentials, session);
}

}  // namespace

RoleCredentials StsProvider::issue_role_credentials(const std::string& role_arn, const std::string& session_name,
                                                    std::chrono::seconds duration, Clock::time_point now) {
  RoleCredentials out;
  const auto arn = parse_role_arn(role_arn);
  if (!arn) {
    out.error = role_arn + " is not a valid role ARN.";
    return out;
  }
  std::string role_id = "AROA" + random_text(ids(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 32, 17);
  if (roles_) {
    const auto role = roles_->find_role(arn->account_id, arn->name);
    if (!role || role->path != arn->path) {
      out.error = "the role " + role_arn + " does not exist";
      return out;
    }
    role_id = role->id;
  }
  Credentials credentials = new_credentials(ids(), now + duration);
  Session session{credentials.access_key_id, arn->account_id,
                  "arn:aws:sts::" + arn->account_id + ":assumed-role/" + arn->name + "/" + session_name,
                  role_id + ":" + session_name, credentials.expiration};
  sessions().put(session);
  out.access_key_id = credentials.access_key_id;
  out.secret_access_key = credentials.secret_access_key;
  out.session_token = credentials.session_token;
  out.assumed_role_arn = session.assumed_role_arn;
  out.account_id = session.account_id;
  out.expiration = credentials.expiration;
  return out;
}

void register_sts_operations(StsProvider& provider, OperationTable& table) {
  bind_operation(table, "GetCallerIdentity", provider, get_caller_identity);
  bind_operation(table, "AssumeRole", provider, assume_role);
}

}  // namespace ecslocal::api::sts
