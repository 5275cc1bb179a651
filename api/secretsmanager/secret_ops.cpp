// CreateSecret, GetSecretValue, PutSecretValue, UpdateSecret, UpdateSecretVersionStage,
// DeleteSecret, RestoreSecret.
#include <algorithm>
#include <cctype>

#include "api/common/json_read.hpp"
#include "api/common/time.hpp"
#include "api/protocol/aws_error.hpp"
#include "api/secretsmanager/errors.hpp"
#include "api/secretsmanager/provider.hpp"

namespace ecslocal::api::secretsmanager {
namespace {

constexpr const char* kMarkedForDeletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
bool valid_name(const std::string& name) {
  return !name.empty() && name.size() <= 512 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '_' || c == '+' || c == '=' || c == '.' || c == '@' || c == '-';
  });
}

struct NewValue {
  std::optional<std::string> string_value, binary_value;
  bool given() const { return string_value || binary_value; }
};

NewValue value_of(const Json& input) {
  NewValue v{json_read::optional_string(input, "SecretString"), json_read::optional_string(input, "SecretBinary")};
  if (v.string_value && v.binary_value)
    throw InvalidParameterException(
        "You can't specify both a binary secret value and a string secret value in the same secret.");
  return v;
}

std::vector<std::pair<std::string, std::string>> tags_of(const Json& input) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : json_read::items(input, "Tags")) {
    const std::string key = json_read::string_or_empty(t, "Key");
    if (key.empty()) throw InvalidParameterException("You must provide a non-empty tag key.");
    const std::string value = json_read::string_or_empty(t, "Value");
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == key; });
    if (it != out.end()) it->second = value;
    else out.emplace_back(key, value);
  }
  if (out.size() > kMaxTags) throw InvalidParameterException("The number of tags exceeds the limit of 50 tags.");
  return out;
}

// Adds a version (token = its id) carrying `stages`; an existing token with the same value is
// a no-op, with another value a ResourceExistsException.
SecretVersion& add_version(SecretsManagerProvider& provider, Secret& s, const RequestContext& ctx, const Json& input,
                           const NewValue& value, const std::vector<std::string>& stages) {
  std::string token = json_read::string_or_empty(input, "ClientRequestToken");
  if (token.empty()) token = provider.ids().uuid();
  if (SecretVersion* existing = s.find_version(token)) {
    if (existing->string_value == value.string_value && existing->binary_value == value.binary_value) return *existing;
    throw ResourceExistsException("You can't modify an existing version, you can only create a new version.");
  }
  SecretVersion v;
  v.id = token;
  v.string_value = value.string_value;
  v.binary_value = value.binary_value;
  v.created = ctx.now;
  v.sequence = s.next_version_sequence++;
  SecretVersion& added = s.versions.emplace(token, std::move(v)).first->second;
  s.move_stages(added, stages);
  s.last_changed = ctx.now;
  s.prune_versions();
  return *s.find_version(token);
}

Secret& usable(SecretsManagerProvider& provider, const RequestContext& ctx, const Json& input) {
  Secret& s = provider.existing(ctx, input);
  if (s.scheduled_for_deletion()) throw InvalidRequestException(kMarkedForDeletion);
  return s;
}

Json create_secret(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  const std::string name = json_read::string_or_empty(input, "Name");
  if (!valid_name(name))
    throw InvalidParameterException("Invalid name. Must be a valid name containing alphanumeric characters, or any "
                                    "of the following: -/_+=.@!");
  if (!json_read::items(input, "AddReplicaRegions").empty())
    throw AwsError("NotImplementedException", "ecslocal does not replicate secrets to other regions.", 501);
  const NewValue value = value_of(input);
  auto tags = tags_of(input);
  SecretsState& state = provider.state(ctx);
  if (Secret* s = state.find(name)) {
    if (s->scheduled_for_deletion())
      throw InvalidRequestException(
          "You can't create this secret because a secret with this name is already scheduled for deletion.");
    throw ResourceExistsException("The operation failed because the secret " + name + " already exists.");
  }
  Secret s;
  s.name = name;
  s.arn = secret_arn_prefix(ctx.account_id, ctx.region) + name + "-" + provider.arn_suffix();
  s.description = json_read::string_or_empty(input, "Description");
  s.kms_key_id = json_read::string_or_empty(input, "KmsKeyId");
  s.created = s.last_changed = ctx.now;
  s.tags = std::move(tags);
  s.sequence = state.next_sequence++;
  Secret& stored = state.secrets.emplace(name, std::move(s)).first->second;
  Json out{{"ARN", stored.arn}, {"Name", stored.name}};
  if (value.given()) out["VersionId"] = add_version(provider, stored, ctx, input, value, {kCurrent}).id;
  return out;
}

Json get_secret_value(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = usable(provider, ctx, input);
  const auto id = json_read::optional_string(input, "VersionId");
  const auto stage = json_read::optional_string(input, "VersionStage");
  SecretVersion* v = nullptr;
  if (id) {
    v = s.find_version(*id);
    if (!v) throw ResourceNotFoundException("Secrets Manager can't find the specified secret value for VersionId: " + *id);
    if (stage && !v->has(*stage))
      throw InvalidRequestException("You provided a VersionStage that is not associated to the provided VersionId.");
  } else {
    const std::string wanted = stage.value_or(kCurrent);
    v = s.version_with(wanted);
    if (!v)
      throw ResourceNotFoundException("Secrets Manager can't find the specified secret value for staging label: " + wanted);
  }
  s.last_accessed = std::chrono::floor<std::chrono::days>(ctx.now);
  Json out{{"ARN", s.arn}, {"Name", s.name}, {"VersionId", v->id}, {"CreatedDate", epoch_seconds(v->created)}};
  if (!v->stages.empty()) out["VersionStages"] = v->stages;  // SecretVersionStagesType has at least 1 item
  if (v->string_value) out["SecretString"] = *v->string_value;
  if (v->binary_value) out["SecretBinary"] = *v->binary_value;
  return out;
}

Json put_secret_value(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = usable(provider, ctx, input);
  const NewValue value = value_of(input);
  if (!value.given()) throw InvalidRequestException("You must provide either SecretString or SecretBinary.");
  std::vector<std::string> stages = json_read::optional_strings(input, "VersionStages").value_or(std::vector<std::string>{kCurrent});
  const SecretVersion& v = add_version(provider, s, ctx, input, value, stages);
  Json out{{"ARN", s.arn}, {"Name", s.name}, {"VersionId", v.id}};
  if (!v.stages.empty()) out["VersionStages"] = v.stages;
  return out;
}

Json update_secret(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = usable(provider, ctx, input);
  const NewValue value = value_of(input);
  if (auto d = json_read::optional_string(input, "Description")) s.description = *d;
  if (auto k = json_read::optional_string(input, "KmsKeyId")) s.kms_key_id = *k;
  s.last_changed = ctx.now;
  Json out{{"ARN", s.arn}, {"Name", s.name}};
  if (value.given()) out["VersionId"] = add_version(provider, s, ctx, input, value, {kCurrent}).id;
  return out;
}

Json update_secret_version_stage(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = usable(provider, ctx, input);
  const std::string stage = json_read::string_or_empty(input, "VersionStage");
  const auto remove_from = json_read::optional_string(input, "RemoveFromVersionId");
  const auto move_to = json_read::optional_string(input, "MoveToVersionId");
  SecretVersion* from = nullptr;
  SecretVersion* to = nullptr;
  if (remove_from && !(from = s.find_version(*remove_from)))
    throw ResourceNotFoundException("Secrets Manager can't find the specified secret value for VersionId: " + *remove_from);
  if (move_to && !(to = s.find_version(*move_to)))
    throw ResourceNotFoundException("Secrets Manager can't find the specified secret value for VersionId: " + *move_to);
  SecretVersion* holder = s.version_with(stage);
  if (from && !from->has(stage))
    throw InvalidParameterException("The staging label " + stage + " is not attached to version " + *remove_from + ".");
  if (to && holder && holder != to && holder != from)
    throw InvalidParameterException("The parameter RemoveFromVersionId can't be empty. Staging label " + stage +
                                    " is currently attached to version " + holder->id +
                                    ", so you must explicitly reference that version in RemoveFromVersionId.");
  if (!to && stage == kCurrent)
    throw InvalidParameterException("You can only move staging label AWSCURRENT to a different secret version. It "
                                    "can't be completely removed.");
  if (to) {
    s.move_stages(*to, {stage});
  } else if (from) {
    from->stages.erase(std::remove(from->stages.begin(), from->stages.end(), stage), from->stages.end());
  }
  s.last_changed = ctx.now;
  s.prune_versions();
  return Json{{"ARN", s.arn}, {"Name", s.name}};
}

Json delete_secret(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  const auto window = json_read::optional_long(input, "RecoveryWindowInDays");
  const bool force = json_read::flag(input, "ForceDeleteWithoutRecovery");
  if (window && force)
    throw InvalidParameterException("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  if (window && (*window < 7 || *window > 30))
    throw InvalidParameterException("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
  SecretsState& state = provider.state(ctx);
  Secret& s = provider.existing(ctx, input);
  Json out{{"ARN", s.arn}, {"Name", s.name}};
  if (force) {
    out["DeletionDate"] = epoch_seconds(ctx.now);
    state.secrets.erase(s.name);
    return out;
  }
  if (s.scheduled_for_deletion()) throw InvalidRequestException(kMarkedForDeletion);
  s.deleted_at = ctx.now;
  s.deletion_date = ctx.now + std::chrono::hours(24) * window.value_or(30);
  out["DeletionDate"] = epoch_seconds(*s.deletion_date);
  return out;
}

Json restore_secret(SecretsManagerProvider& provider, const RequestContext& ctx, Json& input) {
  Secret& s = provider.existing(ctx, input);
  s.deleted_at.reset();
  s.deletion_date.reset();
  s.last_changed = ctx.now;
  return Json{{"ARN", s.arn}, {"Name", s.name}};
}

}  // namespace

void register_secret_operations(SecretsManagerProvider& p, OperationTable& table) {
  bind_operation(table, "CreateSecret", p, create_secret);
  bind_operation(table, "GetSecretValue", p, get_secret_value);
  bind_operation(table, "PutSecretValue", p, put_secret_value);
  bind_operation(table, "UpdateSecret", p, update_secret);
  bind_operation(table, "UpdateSecretVersionStage", p, update_secret_version_stage);
  bind_operation(table, "DeleteSecret", p, delete_secret);
  bind_operation(table, "RestoreSecret", p, restore_secret);
}

}  // namespace ecslocal::api::secretsmanager
