#pragma once
// STS's wire form: the only file that spells STS member names.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/service.hpp"
#include "api/sts/sessions.hpp"

namespace ecslocal::api::sts {

struct AssumeRoleRequest {
  std::string role_arn, session_name;
  std::optional<int> duration_seconds;
};

struct CallerIdentity {
  std::string user_id, account, arn;
};

struct Credentials {
  std::string access_key_id, secret_access_key, session_token;
  Clock::time_point expiration;
};

AssumeRoleRequest assume_role_request_from_json(const Json& input);
Json caller_identity_response(const CallerIdentity& identity);
Json assume_role_response(const Credentials& credentials, const Session& session);

}  // namespace ecslocal::api::sts
