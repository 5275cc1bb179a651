// The pure logic of ecslocal's session-manager-plugin (server/plugin/contract.hpp): the command
// line the AWS CLI drives it with, the session JSON, the data channel's JSON payloads and the
// texts printed (spec discovery-secrets-metadata-exec.md §5.3, §5.4).
#include "server/plugin/contract.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ecslocal::plugin {
namespace {

constexpr const char* session_json =
    R"({"sessionId": "ecs-execute-command-0e8a1b2c3d4e5f601", "streamUrl": "ws://localhost:4566/v1/data-channel/ecs-execute-command-0e8a1b2c3d4e5f601?role=publish_subscribe", "tokenValue": "AAEAtoken"})";

// An environment for interpret_arguments: take_env reads and removes.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::vector<std::string> taken;
  std::function<std::string(const std::string&)> taker() {
    return [this](const std::string& name) {
      taken.push_back(name);
      auto it = vars.find(name);
      if (it == vars.end()) return std::string();
      std::string value = it->second;
      vars.erase(it);
      return value;
    };
  }
};

Invocation run(std::vector<std::string> args, FakeEnv* env = nullptr) {
  FakeEnv none;
  return interpret_arguments(args, "1.2.3", (env ? env : &none)->taker());
}

TEST(SessionManagerPluginArguments, NoArgumentsPrintTheInstalledBanner) {
  auto invocation = run({});
  EXPECT_FALSE(invocation.start);
  EXPECT_EQ(invocation.print,
            "\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n\n");
}

TEST(SessionManagerPluginArguments, VersionAlonePrintsTheVersion) {
  auto invocation = run({"--version"});
  EXPECT_FALSE(invocation.start);
  EXPECT_EQ(invocation.print, "1.2.3\n");
}

TEST(SessionManagerPluginArguments, OneOrTwoOtherArgumentsAreAnUnknownOperation) {
  const std::string expected = "\nUnknown operation foo. \nUse session-manager-plugin --version to check the version.\n\n";
  EXPECT_EQ(run({"foo"}).print, expected);
  EXPECT_EQ(run({"foo", "bar"}).print, expected);
  EXPECT_EQ(run({"--version", "x"}).print,
            "\nUnknown operation --version. \nUse session-manager-plugin --version to check the version.\n\n");
  EXPECT_FALSE(run({"foo", "bar"}).start);
}

TEST(SessionManagerPluginArguments, SixArgumentsStartASession) {
  auto invocation = run({session_json, "eu-west-1", "StartSession", "dev", R"({"Target": "ecs:demo_abc_abc-123"})",
                         "http://localhost:4566"});
  ASSERT_TRUE(invocation.start) << invocation.print;
  const StartRequest& request = *invocation.start;
  EXPECT_EQ(request.session.session_id, "ecs-execute-command-0e8a1b2c3d4e5f601");
  EXPECT_EQ(request.session.stream_url,
            "ws://localhost:4566/v1/data-channel/ecs-execute-command-0e8a1b2c3d4e5f601?role=publish_subscribe");
  EXPECT_EQ(request.session.token_value, "AAEAtoken");
  EXPECT_EQ(request.region, "eu-west-1");
  EXPECT_EQ(request.profile, "dev");
  EXPECT_EQ(request.target, "ecs:demo_abc_abc-123");
  EXPECT_EQ(request.endpoint, "http://localhost:4566");
  EXPECT_FALSE(request.legacy);
}

TEST(SessionManagerPluginArguments, ThreeArgumentsAreTheLegacyForm) {
  auto invocation = run({session_json, "us-east-1", "StartSession"});
  ASSERT_TRUE(invocation.start) << invocation.print;
  EXPECT_TRUE(invocation.start->legacy);
  EXPECT_EQ(invocation.start->endpoint, "");
  EXPECT_EQ(invocation.start->target, "");
}

TEST(SessionManagerPluginArguments, OtherOperationsAreInvalid) {
  auto invocation = run({session_json, "us-east-1", "ResumeSession", "", R"({"Target": "t"})", "http://x"});
  EXPECT_FALSE(invocation.start);
  EXPECT_EQ(invocation.print, "Invalid Operation");
}

TEST(SessionManagerPluginArguments, TheTargetMustBeAString) {
  for (const char* parameters : {R"({"Target": 5})", R"({})", "not json", R"(["Target"])"}) {
    auto invocation = run({session_json, "us-east-1", "StartSession", "", parameters, "http://x"});
    EXPECT_FALSE(invocation.start) << parameters;
    EXPECT_TRUE(invocation.print.starts_with("Cannot perform start session: ")) << invocation.print;
  }
}

TEST(SessionManagerPluginArguments, TheResponseMayComeFromAnEnvironmentVariable) {
  FakeEnv env;
  env.vars["AWS_SSM_START_SESSION_RESPONSE_42"] = session_json;
  auto invocation =
      run({"AWS_SSM_START_SESSION_RESPONSE_42", "us-east-1", "StartSession", "", R"({"Target": "t"})", "http://x"}, &env);
  ASSERT_TRUE(invocation.start) << invocation.print;
  EXPECT_EQ(invocation.start->session.token_value, "AAEAtoken");
  EXPECT_EQ(env.taken, std::vector<std::string>{"AWS_SSM_START_SESSION_RESPONSE_42"});
  EXPECT_TRUE(env.vars.empty());  // read, then removed

  FakeEnv untouched;
  run({session_json, "us-east-1", "StartSession"}, &untouched);
  EXPECT_TRUE(untouched.taken.empty());
}

TEST(SessionManagerPluginArguments, ABadResponseCannotStart) {
  auto invocation = run({"{not json", "us-east-1", "StartSession", "", R"({"Target": "t"})", "http://x"});
  EXPECT_FALSE(invocation.start);
  EXPECT_EQ(invocation.print, "Cannot perform start session: the session response is not valid JSON\n");
  EXPECT_EQ(run({R"({"sessionId": "s"})", "r", "StartSession"}).print,
            "Cannot perform start session: the session response has no StreamUrl\n");
}

TEST(SessionManagerPluginResponse, KeysMatchCaseInsensitively) {
  auto camel = parse_session_response(R"({"sessionId":"a","streamUrl":"b","tokenValue":"c"})");
  auto pascal = parse_session_response(R"({"SessionId":"a","StreamUrl":"b","TokenValue":"c","ResponseMetadata":{}})");
  auto shouting = parse_session_response(R"({"SESSIONID":"a","streamurl":"b","TokenVALUE":"c"})");
  for (const auto* result : {&camel, &pascal, &shouting}) {
    ASSERT_TRUE(result->response) << result->error;
    EXPECT_EQ(result->response->session_id, "a");
    EXPECT_EQ(result->response->stream_url, "b");
    EXPECT_EQ(result->response->token_value, "c");
  }
}

TEST(SessionManagerPluginResponse, LaterKeysWinAndNullClears) {
  auto later = parse_session_response(R"({"sessionId":"a","SessionId":"z","streamUrl":"b","tokenValue":"c"})");
  ASSERT_TRUE(later.response);
  EXPECT_EQ(later.response->session_id, "z");
  auto cleared = parse_session_response(R"({"sessionId":"a","SessionId":null,"streamUrl":"b","tokenValue":"c"})");
  EXPECT_FALSE(cleared.response);
  EXPECT_EQ(cleared.error, "the session response has no SessionId");
}

TEST(SessionManagerPluginResponse, WrongTypesAreErrors) {
  EXPECT_FALSE(parse_session_response(R"({"sessionId":1,"streamUrl":"b","tokenValue":"c"})").response);
  EXPECT_FALSE(parse_session_response(R"(["sessionId"])").response);
  EXPECT_FALSE(parse_session_response("").response);
}

TEST(SessionManagerPluginUrl, ParsesStreamUrls) {
  auto url = parse_url("ws://localhost:4566/v1/data-channel/s-1?role=publish_subscribe&cell-number=AAA=");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "ws");
  EXPECT_EQ(url->host, "localhost");
  EXPECT_EQ(url->port, "4566");
  EXPECT_EQ(url->target, "/v1/data-channel/s-1?role=publish_subscribe&cell-number=AAA=");
  EXPECT_EQ(url->host_header(), "localhost:4566");

  auto plain = parse_url("WS://example.com");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->scheme, "ws");
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/");
  EXPECT_EQ(plain->host_header(), "example.com");

  auto secure = parse_url("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/x");
  ASSERT_TRUE(secure);
  EXPECT_EQ(secure->port, "443");

  auto v6 = parse_url("http://[::1]:8080?x=1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->target, "/?x=1");
  EXPECT_EQ(v6->host_header(), "[::1]:8080");

  EXPECT_FALSE(parse_url("localhost:4566/x"));
  EXPECT_FALSE(parse_url("ws://:80/x"));
  EXPECT_FALSE(parse_url("ws://host:99999/x"));
  EXPECT_FALSE(parse_url("ws://host:8a/x"));
}

TEST(SessionManagerPluginPayloads, TheTokenFrame) {
  EXPECT_EQ(token_frame("r-1", "tok", "c-1", "1.2.3"),
            R"({"MessageSchemaVersion":"1.0","RequestId":"r-1","TokenValue":"tok","ClientId":"c-1","ClientVersion":"1.2.3"})");
}

TEST(SessionManagerPluginPayloads, HandshakeAcceptsShellSessions) {
  for (const char* type : {"InteractiveCommands", "Standard_Stream", "NonInteractiveCommands"}) {
    std::string request =
        std::string(R"({"AgentVersion":"3.2.0","RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":{"SessionType":")") +
        type + R"(","Properties":{"linux":{"commands":"/bin/sh"}}}}]})";
    auto reply = handshake_response(request, "1.2.3");
    EXPECT_TRUE(reply.accepted) << type;
    EXPECT_EQ(reply.session_type, type);
    EXPECT_EQ(reply.payload,
              R"({"ClientVersion":"1.2.3","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1,"ActionResult":null,"Error":""}],"Errors":null})");
  }
}

TEST(SessionManagerPluginPayloads, HandshakeRefusesWhatItCannotDo) {
  auto reply = handshake_response(
      R"({"RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":{"SessionType":"Port"}},)"
      R"({"ActionType":"KMSEncryption","ActionParameters":{"KMSKeyId":"k"}}]})",
      "1.2.3");
  EXPECT_FALSE(reply.accepted);
  auto json = nlohmann::json::parse(reply.payload);
  ASSERT_EQ(json["ProcessedClientActions"].size(), 2u);
  EXPECT_EQ(json["ProcessedClientActions"][0]["ActionStatus"], action_failed);
  EXPECT_EQ(json["ProcessedClientActions"][0]["Error"], "Unknown session type Port");
  EXPECT_EQ(json["ProcessedClientActions"][1]["ActionType"], "KMSEncryption");
  EXPECT_EQ(json["ProcessedClientActions"][1]["ActionStatus"], action_unsupported);
  EXPECT_TRUE(json["ProcessedClientActions"][1]["ActionResult"].is_null());
  EXPECT_EQ(json["Errors"], nlohmann::json::array({"Unknown session type Port", "Unsupported action KMSEncryption"}));
}

TEST(SessionManagerPluginPayloads, HandshakeToleratesOddRequests) {
  auto stringly = handshake_response(
      R"({"RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":"{\"SessionType\":\"InteractiveCommands\"}"}]})",
      "v");
  EXPECT_TRUE(stringly.accepted);
  auto garbage = handshake_response("not json", "v");
  EXPECT_FALSE(garbage.accepted);
  EXPECT_EQ(garbage.payload, R"({"ClientVersion":"v","ProcessedClientActions":[],"Errors":null})");
}

TEST(SessionManagerPluginPayloads, CustomerMessageSizeAndKeys) {
  EXPECT_EQ(customer_message(R"({"HandshakeTimeToComplete":1000,"CustomerMessage":"Welcome"})"), "Welcome");
  EXPECT_EQ(customer_message(R"({"HandshakeTimeToComplete":1000,"CustomerMessage":""})"), "");
  EXPECT_EQ(customer_message("garbage"), "");
  EXPECT_EQ(size_payload(300, 100), R"({"cols":300,"rows":100})");
  EXPECT_EQ(keyboard_chunk("\n"), "\r");
  EXPECT_EQ(keyboard_chunk("ls\n"), "ls\n");
  EXPECT_EQ(keyboard_chunk("\x03"), "\x03");
}

TEST(SessionManagerPluginEnd, ChannelClosedTexts) {
  auto plain = channel_closed_text(
      "s-1", R"({"MessageId":"m","CreatedDate":"1700000000000","DestinationId":"ecs:x","SessionId":"s-1","MessageType":"channel_closed","SchemaVersion":1,"Output":""})");
  EXPECT_EQ(plain.text, "\n\nExiting session with sessionId: s-1.\n\n");
  EXPECT_EQ(plain.exit_code, 0);

  auto with_output = channel_closed_text("s-1", R"({"Output":"Session terminated by admin","ExitCode":3})");
  EXPECT_EQ(with_output.text, "\n\nSessionId: s-1 : Session terminated by admin\n\n");
  EXPECT_EQ(with_output.exit_code, 3);

  EXPECT_EQ(channel_closed_text("s", R"({"ExitCode":"42"})").exit_code, 42);
  EXPECT_EQ(channel_closed_text("s", "").text, "\n\nExiting session with sessionId: s.\n\n");
}

TEST(SessionManagerPluginTerminate, RequestPieces) {
  EXPECT_EQ(terminate_session_body("s-1"), R"({"SessionId":"s-1"})");
  EXPECT_EQ(amz_date(0), "19700101T000000Z");
  EXPECT_EQ(amz_date(1706745599), "20240131T235959Z");
  EXPECT_EQ(authorization_header("111122223333", "eu-west-1", "20240131"),
            "AWS4-HMAC-SHA256 Credential=111122223333/20240131/eu-west-1/ssm/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0");
  EXPECT_EQ(authorization_header("ecslocal", "", "20240131"),
            "AWS4-HMAC-SHA256 Credential=ecslocal/20240131/us-east-1/ssm/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0");
}

TEST(SessionManagerPluginTerminate, AccessKeyFromTheCredentialsFile) {
  constexpr const char* file =
      "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n\n"
      "[dev]\r\n aws_access_key_id=111122223333 \r\n[profile other]\naws_access_key_id = AKIDOTHER\n";
  EXPECT_EQ(access_key_from_ini(file, "default"), "AKIDDEFAULT");
  EXPECT_EQ(access_key_from_ini(file, "dev"), "111122223333");
  EXPECT_EQ(access_key_from_ini(file, "other"), "AKIDOTHER");
  EXPECT_EQ(access_key_from_ini(file, "missing"), "");
}

}  // namespace
}  // namespace ecslocal::plugin
