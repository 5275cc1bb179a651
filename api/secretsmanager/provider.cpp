#include "api/secretsmanager/provider.hpp"

#include <cmath>
#include <vector>

#include "api/common/json_read.hpp"
#include "api/secretsmanager/errors.hpp"
#include "api/secretsmanager/mapping.hpp"
#include "api/secretsmanager/snapshot.hpp"

namespace ecslocal::api::secretsmanager {

SecretsManagerProvider::SecretsManagerProvider(std::shared_ptr<IdSource> ids) : ids_(std::move(ids)) {
  register_secret_operations(*this, table_);
  register_query_operations(*this, table_);
  register_password_operations(*this, table_);
}

const protocol::ServiceModel& SecretsManagerProvider::model() const {
  return protocol::ServiceModel::get("secretsmanager");
}

SecretsState& SecretsManagerProvider::state(const RequestContext& ctx) {
  SecretsState& s = store_.at(ctx.account_id, ctx.region);
  s.purge(ctx.now);
  return s;
}

Secret& SecretsManagerProvider::existing(const RequestContext& ctx, const Json& input) {
  Secret* s = state(ctx).find(json_read::string_or_empty(input, "SecretId"));
  if (!s) throw ResourceNotFoundException("Secrets Manager can't find the specified secret.");
  return *s;
}

void SecretsManagerProvider::tick(Clock::time_point now) {
  store_.for_each([&](const std::string&, const std::string&, SecretsState& s) { s.purge(now); });
}

std::string SecretsManagerProvider::arn_suffix() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 6; ++i) out += kAlphabet[std::stoul(ids_->hex(4), nullptr, 16) % 62];
  return out;
}

Json SecretsManagerProvider::snapshot() const { return snapshot_secrets(store_); }
void SecretsManagerProvider::restore(const Json& snapshot) { restore_secrets(store_, snapshot); }

// Secrets as DescribeSecret shows them (never their values).
Json SecretsManagerProvider::state_view(const StateViewQuery& query) const {
  Json out = Json::array();
  store_.for_each([&](const std::string& account, const std::string& region, const SecretsState& state) {
    if ((!query.account_id.empty() && query.account_id != account) || (!query.region.empty() && query.region != region))
      return;
    Json secrets = Json::array();
    for (const auto& [name, s] : state.secrets) secrets.push_back(secret_json(s, false));
    out.push_back({{"account", account}, {"region", region}, {"secrets", std::move(secrets)}});
  });
  return out;
}

bool SecretsManagerProvider::serves(std::string_view value_from) const {
  return value_from.rfind("arn:aws:secretsmanager:", 0) == 0;
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// A JSON value as the agent prints it (Go's %v of the decoded value).
std::string go_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "<nil>";
  if (v.is_number()) {
    const double d = v.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e21) return std::to_string(static_cast<long long>(d));
    return v.dump();
  }
  return v.dump();
}

}  // namespace

// valueFrom: arn:aws:secretsmanager:<r>:<a>:secret:<id>[:<json-key>:<version-stage>:<version-id>]
// (the agent: the resource part, split on ':', has exactly 2 or 5 parts); a name or partial ARN
// is looked up like GetSecretValue's SecretId.
SecretValue SecretsManagerProvider::resolve(const SecretReference& reference) const {
  const std::string& from = reference.value_from;
  std::string secret_id = from, json_key, stage, version_id;
  std::string account = reference.account_id, region = reference.region;
  if (from.rfind("arn:", 0) == 0) {
    auto parts = split(from, ':');
    if (parts.size() != 7 && parts.size() != 10)
      return {std::nullopt, "an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid "
                            "ARN and try again."};
    region = parts[3];
    account = parts[4];
    secret_id = "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + parts[6];
    if (parts.size() == 10) {
      json_key = parts[7];
      stage = parts[8];
      version_id = parts[9];
    }
  }
  const std::string request_id = ids_->uuid();
  auto failure = [&](const std::string& code, const std::string& message) {
    return SecretValue{std::nullopt,
                       "execution resource retrieval failed: unable to retrieve secret from asm: service call has been "
                       "retried 1 time(s): failed to fetch secret " + secret_id + " from secrets manager: " + code + ": " +
                           message + " status code: 400, request id: " + request_id};
  };
  if (!stage.empty() && !version_id.empty())
    return failure("InvalidRequestException",
                   "You provided a VersionStage that is not associated to the provided VersionId.");
  SecretsState* state = account == reference.account_id ? store_.find(account, region) : nullptr;
  Secret* s = state ? state->find(secret_id) : nullptr;
  if (!s)
    return failure("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  if (s->scheduled_for_deletion())
    return failure("InvalidRequestException",
                   "You can't perform this operation on the secret because it was marked for deletion.");
  SecretVersion* v = nullptr;
  if (!version_id.empty()) {
    v = s->find_version(version_id);
    if (!v)
      return failure("ResourceNotFoundException",
                     "Secrets Manager can't find the specified secret value for VersionId: " + version_id);
  } else {
    const std::string wanted = stage.empty() ? kCurrent : stage;
    v = s->version_with(wanted);
    if (!v)
      return failure("ResourceNotFoundException",
                     "Secrets Manager can't find the specified secret value for staging label: " + wanted);
  }
  if (!v->string_value)
    return {std::nullopt, "execution resource retrieval failed: unable to retrieve secret from asm: secret " + secret_id +
                              " has no SecretString: only string secrets can be injected"};
  if (json_key.empty()) return {*v->string_value, ""};
  Json doc = Json::parse(*v->string_value, nullptr, false);
  if (!doc.is_object() || !doc.contains(json_key))
    return {std::nullopt, "execution resource retrieval failed: unable to retrieve secret from asm: retrieved secret "
                          "from Secrets Manager did not contain json key " + json_key};
  return {go_text(doc[json_key]), ""};
}

}  // namespace ecslocal::api::secretsmanager
