#pragma once
// Secrets Manager entities → JSON: the wire names of DescribeSecret / ListSecrets entries.
#include "api/secretsmanager/model.hpp"
#include "api/service.hpp"

namespace ecslocal::api::secretsmanager {

// DescribeSecret (stages under VersionIdsToStages) or a ListSecrets entry (SecretVersionsToStages).
Json secret_json(const Secret& s, bool list_entry);
Json tags_json(const std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace ecslocal::api::secretsmanager
