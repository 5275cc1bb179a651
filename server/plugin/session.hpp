#pragma once
// One Session Manager session of ecslocal's session-manager-plugin: dials the stream URL
// (ws:// only), sends the token frame, then speaks the SSM data channel (runtime/exec/
// data_channel.hpp) until the server sends channel_closed or closes the websocket: output to
// stdout/stderr, the handshake answered, keystrokes and window sizes sent, every data message
// acknowledged, unacknowledged ones resent. One io_context, one thread.
#include <memory>

#include "server/plugin/contract.hpp"

namespace ecslocal::plugin {

struct SessionOptions {
  // ECSLOCAL_EXEC_EXIT_CODE=1: exit with the ExitCode member of channel_closed (the real plugin
  // always exits 0).
  bool exit_with_remote_status = false;
  // ECSLOCAL_PLUGIN_DEBUG=1: protocol events on stderr.
  bool debug = false;
};

class Session {
 public:
  Session(StartRequest request, SessionOptions options);
  ~Session();
  // Runs the session to its end, printing what the Session Manager plugin prints; the exit status.
  int run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecslocal::plugin
