#pragma once
// The logic of ecslocal's session-manager-plugin that does no I/O, header-only so the unit tests
// (which do not link the plugin) can include it: the command-line contract the AWS CLI relies on
// (argument counts, exact texts, the session JSON decoded case-insensitively), the opening token
// frame, the handshake reply, the texts printed at the end of a session, URL parsing, and the
// pieces of the TerminateSession request. See spec discovery-secrets-metadata-exec.md §5.3/§5.4.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#ifndef ECSLOCAL_VERSION
#define ECSLOCAL_VERSION "0.0.0"
#endif

namespace ecslocal::plugin {

// What --version prints and what the plugin tells the server (ClientVersion).
inline constexpr std::string_view plugin_version = ECSLOCAL_VERSION;

inline constexpr std::string_view installed_banner =
    "\nThe Session Manager plugin was installed successfully. Use the AWS CLI to start a session.\n\n";
inline constexpr std::string_view invalid_operation = "Invalid Operation";  // printed without a newline
inline constexpr std::string_view start_session_operation = "StartSession";
inline constexpr std::string_view session_response_env_prefix = "AWS_SSM_START_SESSION_RESPONSE";

inline std::string unknown_operation(std::string_view argument) {
  return "\nUnknown operation " + std::string(argument) +
         ". \nUse session-manager-plugin --version to check the version.\n\n";
}

inline std::string cannot_start(std::string_view error) {
  return "Cannot perform start session: " + std::string(error) + "\n";
}

inline std::string starting_session(std::string_view session_id) {
  return "\nStarting session with SessionId: " + std::string(session_id) + "\n";
}

inline std::string exiting_session(std::string_view session_id) {
  return "\n\nExiting session with sessionId: " + std::string(session_id) + ".\n\n";
}

namespace detail {

inline bool equal_fold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

inline std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace detail

// ---------------------------------------------------------------- the session response (argv[1])

struct SessionResponse {
  std::string session_id, stream_url, token_value;
};

struct SessionResponseResult {
  std::optional<SessionResponse> response;
  std::string error;  // when !response
};

// Decodes the StartSession/ExecuteCommand session object as Go's encoding/json would into a
// struct with fields SessionId, StreamUrl and TokenValue: key names match case-insensitively,
// later keys overwrite earlier ones (null clears), other members are ignored; a member of the
// wrong type is an error. The three fields are required (the Go plugin dereferences them
// unchecked).
inline SessionResponseResult parse_session_response(std::string_view text) {
  SessionResponseResult out;
  auto json = nlohmann::ordered_json::parse(text, nullptr, false);
  if (json.is_discarded()) {
    out.error = "the session response is not valid JSON";
    return out;
  }
  if (!json.is_object()) {
    out.error = "the session response is not a JSON object";
    return out;
  }
  std::optional<std::string> fields[3];
  static constexpr std::string_view names[3] = {"SessionId", "StreamUrl", "TokenValue"};
  for (auto& [key, value] : json.items()) {
    for (int i = 0; i < 3; ++i) {
      if (!detail::equal_fold(key, names[i])) continue;
      if (value.is_null()) {  // Go sets the pointer field back to nil
        fields[i].reset();
        break;
      }
      if (!value.is_string()) {
        out.error = "the session response member " + key + " is not a string";
        return out;
      }
      fields[i] = value.get<std::string>();
      break;
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (!fields[i]) {
      out.error = "the session response has no " + std::string(names[i]);
      return out;
    }
  }
  out.response = SessionResponse{*fields[0], *fields[1], *fields[2]};
  return out;
}

// The Target of the StartSession parameters (argv[5]); nullopt when it is not a string.
inline std::optional<std::string> parse_target(std::string_view parameters) {
  auto json = nlohmann::json::parse(parameters, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  auto it = json.find("Target");
  if (it == json.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// ---------------------------------------------------------------- the command line

struct StartRequest {
  SessionResponse session;
  std::string region, profile, target, endpoint;
  bool legacy = false;  // 3 arguments: no profile, no endpoint
};

struct Invocation {
  // Either text to print (and exit 0), or a session to start.
  std::optional<StartRequest> start;
  std::string print;
};

// What the plugin does with `args` (argv[1..]): the Session Manager plugin's contract. `take_env`
// returns the value of an environment variable and removes it (argv[1] names one when it starts
// with AWS_SSM_START_SESSION_RESPONSE). `version` is printed for --version.
inline Invocation interpret_arguments(const std::vector<std::string>& args, std::string_view version,
                                      const std::function<std::string(const std::string&)>& take_env) {
  Invocation out;
  if (args.empty()) {
    out.print = installed_banner;
    return out;
  }
  if (args.size() == 1 && args[0] == "--version") {
    out.print = std::string(version) + "\n";
    return out;
  }
  if (args.size() < 3) {
    out.print = unknown_operation(args[0]);
    return out;
  }
  // Three or more: response, region, operation[, profile, parameters, endpoint]; any further
  // arguments are ignored (as the Go plugin does).
  std::string response = args[0];
  if (response.starts_with(session_response_env_prefix)) response = take_env(response);
  StartRequest request;
  request.legacy = args.size() == 3;
  request.region = args[1];
  const std::string& operation = args[2];
  if (args.size() > 3) request.profile = args[3];
  if (args.size() > 4) {
    auto target = parse_target(args[4]);
    if (!target) {
      out.print = cannot_start("the StartSession parameters must be a JSON object whose Target is a string");
      return out;
    }
    request.target = *target;
  }
  if (args.size() > 5) request.endpoint = args[5];
  if (operation != start_session_operation) {
    out.print = invalid_operation;
    return out;
  }
  auto session = parse_session_response(response);
  if (!session.response) {
    out.print = cannot_start(session.error);
    return out;
  }
  request.session = std::move(*session.response);
  out.start = std::move(request);
  return out;
}

// ---------------------------------------------------------------- URLs

struct Url {
  std::string scheme;  // lowercase
  std::string host;    // without the brackets of an IPv6 literal
  std::string port;    // the explicit one, else the scheme's default
  std::string target;  // path and query, "/" at least
  bool default_port = true;

  // The Host header: host[:port], the port only when not the scheme's default.
  std::string host_header() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return default_port ? h : h + ":" + port;
  }
};

inline std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr) {
  auto fail = [&](std::string why) -> std::optional<Url> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  Url url;
  auto colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return fail("no scheme in URL " + std::string(text));
  for (char c : text.substr(0, colon)) url.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = text.substr(colon + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("bad IPv6 host in URL " + std::string(text));
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("bad host in URL " + std::string(text));
      port = after.substr(1);
    }
  } else {
    auto c = authority.rfind(':');
    url.host = std::string(authority.substr(0, c));
    if (c != std::string_view::npos) port = authority.substr(c + 1);
  }
  if (url.host.empty()) return fail("no host in URL " + std::string(text));
  if (!port.empty()) {
    if (!std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        port.size() > 5 || std::stoi(std::string(port)) > 65535)
      return fail("bad port in URL " + std::string(text));
    url.port = std::string(port);
  }
  std::string default_port = url.scheme == "wss" || url.scheme == "https" ? "443" : "80";
  if (url.port.empty()) url.port = default_port;
  url.default_port = url.port == default_port;
  return url;
}

// ---------------------------------------------------------------- the data channel's payloads

// The opening text frame of the websocket.
inline std::string token_frame(std::string_view request_id, std::string_view token, std::string_view client_id,
                               std::string_view client_version) {
  nlohmann::ordered_json frame;
  frame["MessageSchemaVersion"] = "1.0";
  frame["RequestId"] = request_id;
  frame["TokenValue"] = token;
  frame["ClientId"] = client_id;
  frame["ClientVersion"] = client_version;
  return frame.dump();
}

// HandshakeResponse ActionStatus values.
inline constexpr int action_success = 1, action_failed = 2, action_unsupported = 3;

struct HandshakeReply {
  std::string payload;       // the HandshakeResponse JSON
  std::string session_type;  // the SessionType requested ("" when none)
  bool accepted = false;     // the session type is one this plugin runs (a shell)
};

inline bool shell_session_type(std::string_view type) {
  return type == "InteractiveCommands" || type == "Standard_Stream" || type == "NonInteractiveCommands";
}

// The reply to a HandshakeRequest payload: every requested action processed, in order. A
// SessionType action succeeds for the shell session types, fails for others (port forwarding is
// not supported); any other action (KMSEncryption, ...) is reported Unsupported.
inline HandshakeReply handshake_response(std::string_view request, std::string_view client_version) {
  HandshakeReply out;
  nlohmann::ordered_json actions = nlohmann::ordered_json::array();
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  auto json = nlohmann::json::parse(request, nullptr, false);
  const nlohmann::json* requested = nullptr;
  if (json.is_object()) {
    auto it = json.find("RequestedClientActions");
    if (it != json.end() && it->is_array()) requested = &*it;
  }
  if (requested) {
    for (const auto& action : *requested) {
      std::string type;
      if (action.is_object() && action.contains("ActionType") && action["ActionType"].is_string())
        type = action["ActionType"].get<std::string>();
      nlohmann::ordered_json processed;
      processed["ActionType"] = type;
      std::string error;
      if (type == "SessionType") {
        nlohmann::json parameters = action.value("ActionParameters", nlohmann::json());
        if (parameters.is_string()) parameters = nlohmann::json::parse(parameters.get<std::string>(), nullptr, false);
        std::string session_type;
        if (parameters.is_object() && parameters.contains("SessionType") && parameters["SessionType"].is_string())
          session_type = parameters["SessionType"].get<std::string>();
        out.session_type = session_type;
        if (shell_session_type(session_type)) {
          out.accepted = true;
          processed["ActionStatus"] = action_success;
        } else {
          processed["ActionStatus"] = action_failed;
          error = "Unknown session type " + session_type;
        }
      } else {
        processed["ActionStatus"] = action_unsupported;
        error = "Unsupported action " + type;
      }
      processed["ActionResult"] = nullptr;
      processed["Error"] = error;
      if (!error.empty()) errors.push_back(error);
      actions.push_back(std::move(processed));
    }
  }
  nlohmann::ordered_json reply;
  reply["ClientVersion"] = client_version;
  reply["ProcessedClientActions"] = std::move(actions);
  reply["Errors"] = errors.empty() ? nlohmann::ordered_json(nullptr) : std::move(errors);
  out.payload = reply.dump();
  return out;
}

// The CustomerMessage of a HandshakeComplete payload ("" when absent or unreadable).
inline std::string customer_message(std::string_view handshake_complete) {
  auto json = nlohmann::json::parse(handshake_complete, nullptr, false);
  if (!json.is_object()) return {};
  auto it = json.find("CustomerMessage");
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::string size_payload(unsigned cols, unsigned rows) {
  nlohmann::ordered_json size;
  size["cols"] = cols;
  size["rows"] = rows;
  return size.dump();
}

// A chunk read from stdin as it is sent: a lone newline (Enter under ICRNL) goes as a carriage
// return, which is what the remote pty expects of the Enter key.
inline std::string keyboard_chunk(std::string chunk) {
  if (chunk == "\n") chunk = "\r";
  return chunk;
}

// The bytes a signal is forwarded as (SIGINT, SIGQUIT, SIGTSTP), as the Go plugin does.
inline constexpr char interrupt_byte = 0x03, quit_byte = 0x1c, suspend_byte = 0x1a;

struct ChannelClosed {
  std::string text;  // printed on stdout
  int exit_code = 0;  // the payload's ExitCode (0 when absent); used only when asked for
};

// What the end of a session prints, from the channel_closed payload.
inline ChannelClosed channel_closed_text(std::string_view session_id, std::string_view payload) {
  ChannelClosed out;
  auto json = nlohmann::json::parse(payload, nullptr, false);
  std::string output;
  if (json.is_object()) {
    if (auto it = json.find("Output"); it != json.end() && it->is_string()) output = it->get<std::string>();
    if (auto it = json.find("ExitCode"); it != json.end()) {
      if (it->is_number_integer()) {
        out.exit_code = static_cast<int>(it->get<std::int64_t>());
      } else if (it->is_number()) {
        out.exit_code = static_cast<int>(it->get<double>());
      } else if (it->is_string()) {
        try {
          out.exit_code = std::stoi(it->get<std::string>());
        } catch (...) {
        }
      }
    }
  }
  out.text = output.empty() ? exiting_session(session_id)
                            : "\n\nSessionId: " + std::string(session_id) + " : " + output + "\n\n";
  return out;
}

// ---------------------------------------------------------------- TerminateSession

inline std::string terminate_session_body(std::string_view session_id) {
  return nlohmann::json{{"SessionId", session_id}}.dump();
}

// 20240131T235959Z
inline std::string amz_date(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

// An Authorization header of the SigV4 form (ecslocal reads the credential scope, not the signature).
inline std::string authorization_header(std::string_view access_key, std::string_view region,
                                        std::string_view date /* yyyymmdd */) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key) + "/" + std::string(date) + "/" +
         std::string(region.empty() ? "us-east-1" : region) +
         "/ssm/aws4_request, SignedHeaders=host;x-amz-date, Signature=0";
}

// aws_access_key_id of `profile` in the text of an AWS shared credentials file ("" when none).
inline std::string access_key_from_ini(std::string_view text, std::string_view profile) {
  std::string section;
  bool in_profile = false;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string line = detail::trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = detail::trim(std::string_view(line).substr(1, line.size() - 2));
      if (section.starts_with("profile ")) section = detail::trim(std::string_view(section).substr(8));
      in_profile = section == profile;
      continue;
    }
    if (!in_profile) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    if (detail::trim(std::string_view(line).substr(0, eq)) == "aws_access_key_id")
      return detail::trim(std::string_view(line).substr(eq + 1));
  }
  return {};
}

}  // namespace ecslocal::plugin
