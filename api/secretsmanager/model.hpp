#pragma once
// Secrets Manager state of one account in one region: secrets, their versions and staging labels.
// Owned by the state strand: no locks.
//
// A secret's ARN ends with its name, '-' and 6 random characters [A-Za-z0-9]. A SecretId is the
// full ARN, the partial ARN (without the suffix) or the name. A secret scheduled for deletion
// keeps its name (nothing else may take it) until its deletion date, when it is purged.
// AWSCURRENT is on at most one version; moving it leaves AWSPREVIOUS on the version it left.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/common/account_region_store.hpp"

namespace ecslocal::api::secretsmanager {

using TimePoint = std::chrono::system_clock::time_point;

inline constexpr const char* kCurrent = "AWSCURRENT";
inline constexpr const char* kPrevious = "AWSPREVIOUS";
inline constexpr std::size_t kMaxVersions = 100;  // versions without a label past this are dropped
inline constexpr std::size_t kMaxTags = 50;

struct SecretVersion {
  std::string id;
  std::optional<std::string> string_value;
  std::optional<std::string> binary_value;  // base64, as on the wire
  std::vector<std::string> stages;
  TimePoint created{};
  std::uint64_t sequence = 0;  // creation order within the secret
  bool has(const std::string& stage) const;
};

struct Secret {
  std::string arn, name, description, kms_key_id;
  TimePoint created{}, last_changed{};
  std::optional<TimePoint> last_accessed;                // days, as AWS rounds it
  std::optional<TimePoint> deleted_at, deletion_date;    // while scheduled for deletion
  std::map<std::string, SecretVersion> versions;         // by id
  std::vector<std::pair<std::string, std::string>> tags;  // in the order they were added
  std::uint64_t sequence = 0;                             // creation order in the state
  std::uint64_t next_version_sequence = 1;

  bool scheduled_for_deletion() const { return deletion_date.has_value(); }
  SecretVersion* version_with(const std::string& stage);
  SecretVersion* find_version(const std::string& id);
  // Puts `stages` on `target` alone; AWSCURRENT moving away leaves AWSPREVIOUS where it was.
  void move_stages(SecretVersion& target, const std::vector<std::string>& stages);
  // Drops the oldest versions without a label beyond kMaxVersions.
  void prune_versions();
};

struct SecretsState {
  std::map<std::string, Secret> secrets;  // by name
  std::uint64_t next_sequence = 1;
  // Full ARN, partial ARN (no suffix) or name; null when none.
  Secret* find(const std::string& secret_id);
  // Forgets secrets whose deletion date has come.
  void purge(TimePoint now);
};

using SecretsStore = AccountRegionStore<SecretsState>;

std::string secret_arn_prefix(const std::string& account, const std::string& region);

}  // namespace ecslocal::api::secretsmanager
