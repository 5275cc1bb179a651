// ecslocal's session-manager-plugin: what `aws ecs execute-command` (and `aws ssm start-session`)
// runs to carry an interactive session. The command-line contract is the Session Manager
// plugin's (server/plugin/contract.hpp); the session itself is server/plugin/session.cpp.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/plugin/contract.hpp"
#include "server/plugin/session.hpp"
#include "server/plugin/terminal.hpp"

namespace {

// Reads an environment variable and removes it (the session response may be passed that way).
std::string take_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  std::string out = value ? value : "";
  ::unsetenv(name.c_str());
  return out;
}

bool env_is(const char* name, std::string_view value) {
  const char* set = std::getenv(name);
  return set && value == set;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ecslocal::plugin;
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  Invocation invocation = interpret_arguments(args, plugin_version, take_env);
  if (!invocation.start) {
    write_all(STDOUT_FILENO, invocation.print);
    return 0;
  }
  write_all(STDOUT_FILENO, starting_session(invocation.start->session.session_id));
  SessionOptions options;
  options.exit_with_remote_status = env_is("ECSLOCAL_EXEC_EXIT_CODE", "1");
  options.debug = env_is("ECSLOCAL_PLUGIN_DEBUG", "1");
  Session session(std::move(*invocation.start), options);
  return session.run();
}
