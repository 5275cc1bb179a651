#include "api/secretsmanager/model.hpp"

#include <algorithm>

namespace ecslocal::api::secretsmanager {

bool SecretVersion::has(const std::string& stage) const {
  return std::find(stages.begin(), stages.end(), stage) != stages.end();
}

SecretVersion* Secret::version_with(const std::string& stage) {
  for (auto& [id, v] : versions)
    if (v.has(stage)) return &v;
  return nullptr;
}

SecretVersion* Secret::find_version(const std::string& id) {
  auto it = versions.find(id);
  return it == versions.end() ? nullptr : &it->second;
}

void Secret::move_stages(SecretVersion& target, const std::vector<std::string>& stages) {
  for (const auto& stage : stages) {
    if (target.has(stage)) continue;
    SecretVersion* holder = version_with(stage);
    if (holder) holder->stages.erase(std::remove(holder->stages.begin(), holder->stages.end(), stage), holder->stages.end());
    if (stage == kCurrent && holder) {
      if (SecretVersion* previous = version_with(kPrevious))
        previous->stages.erase(std::remove(previous->stages.begin(), previous->stages.end(), std::string(kPrevious)),
                               previous->stages.end());
      holder->stages.push_back(kPrevious);
    }
    target.stages.push_back(stage);
  }
}

void Secret::prune_versions() {
  while (versions.size() > kMaxVersions) {
    auto oldest = versions.end();
    for (auto it = versions.begin(); it != versions.end(); ++it)
      if (it->second.stages.empty() && (oldest == versions.end() || it->second.sequence < oldest->second.sequence))
        oldest = it;
    if (oldest == versions.end()) return;
    versions.erase(oldest);
  }
}

Secret* SecretsState::find(const std::string& secret_id) {
  if (secret_id.rfind("arn:", 0) != 0) {
    auto it = secrets.find(secret_id);
    return it == secrets.end() ? nullptr : &it->second;
  }
  for (auto& [name, s] : secrets) {
    if (s.arn == secret_id) return &s;
    if (s.arn.size() == secret_id.size() + 7 && s.arn.compare(0, secret_id.size(), secret_id) == 0 &&
        s.arn[secret_id.size()] == '-')
      return &s;
  }
  return nullptr;
}

void SecretsState::purge(TimePoint now) {
  for (auto it = secrets.begin(); it != secrets.end();) {
    if (it->second.deletion_date && *it->second.deletion_date <= now)
      it = secrets.erase(it);
    else
      ++it;
  }
}

std::string secret_arn_prefix(const std::string& account, const std::string& region) {
  return "arn:aws:secretsmanager:" + region + ":" + account + ":secret:";
}

}  // namespace ecslocal::api::secretsmanager
