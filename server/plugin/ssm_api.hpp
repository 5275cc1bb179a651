#pragma once
// The one SSM API call ecslocal's session-manager-plugin makes: TerminateSession, a JSON-1.1 POST
// (X-Amz-Target AmazonSSM.TerminateSession) to the endpoint the AWS CLI passed (argv[6]), over
// plain HTTP. The request carries a SigV4-shaped Authorization header naming the caller's access
// key id (ecslocal reads the credential scope, not the signature).
#include <chrono>
#include <string>

namespace ecslocal::plugin {

struct ApiCaller {
  std::string endpoint;  // http://host:port[/path]
  std::string region;
  std::string profile;  // "" = the default chain
};

// The access key id to name in the Authorization header: the profile's in the shared credentials
// file when a profile is given, else AWS_ACCESS_KEY_ID, else AWS_PROFILE's (or "default"'s) in
// the file, else "ecslocal".
std::string caller_access_key(const std::string& profile);

// "" when the server answered 200, else what went wrong.
std::string terminate_session(const ApiCaller& caller, const std::string& session_id,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace ecslocal::plugin
