#include "api/sts/mapping.hpp"

#include "api/common/json_read.hpp"
#include "api/common/time.hpp"

namespace ecslocal::api::sts {

AssumeRoleRequest assume_role_request_from_json(const Json& input) {
  return {json_read::string_or_empty(input, "RoleArn"), json_read::string_or_empty(input, "RoleSessionName"),
          json_read::optional_int(input, "DurationSeconds")};
}

Json caller_identity_response(const CallerIdentity& identity) {
  return {{"UserId", identity.user_id}, {"Account", identity.account}, {"Arn", identity.arn}};
}

Json assume_role_response(const Credentials& credentials, const Session& session) {
  return {{"Credentials",
           {{"AccessKeyId", credentials.access_key_id},
            {"SecretAccessKey", credentials.secret_access_key},
            {"SessionToken", credentials.session_token},
            {"Expiration", epoch_seconds(credentials.expiration)}}},
          {"AssumedRoleUser", {{"AssumedRoleId", session.assumed_role_id}, {"Arn", session.assumed_role_arn}}}};
}

}  // namespace ecslocal::api::sts
