#pragma once
// The local terminal of ecslocal's session-manager-plugin: stdin in a raw-ish mode while a session
// runs (no line editing, no local echo, no signal keys: Ctrl-C, Ctrl-\ and Ctrl-Z reach the remote
// pty as bytes), restored on every way out (destructor, exit(), fatal signals); the window size;
// writes that survive the non-blocking file description Asio leaves on a shared tty.
#include <optional>
#include <string_view>

namespace ecslocal::plugin {

struct WindowSize {
  unsigned cols = 0, rows = 0;
  bool operator==(const WindowSize&) const = default;
};

// The size of the terminal on stdout, else stdin; nullopt when neither is a terminal or it
// reports no size (0×0, as a pty nobody sized does).
std::optional<WindowSize> window_size();

// What a session uses when there is no terminal size.
inline constexpr WindowSize default_window_size{300, 100};

class TerminalMode {
 public:
  // Saves the state of stdin (termios when a tty, and the file status flags).
  TerminalMode();
  ~TerminalMode();
  TerminalMode(const TerminalMode&) = delete;
  TerminalMode& operator=(const TerminalMode&) = delete;

  bool is_tty() const { return tty_; }
  // Raw-ish mode on stdin when it is a terminal (no ICANON, ECHO, ISIG, IEXTEN, IXON; output
  // processing kept). Does nothing otherwise.
  void enter_raw();
  // Back to the saved state (idempotent; also what exit() and fatal signals do).
  void restore();

 private:
  bool tty_ = false;
};

// Writes all of `data` to `fd`: retries on EINTR, waits for the descriptor on EAGAIN. false when
// the descriptor is gone (EPIPE, EBADF, ...).
bool write_all(int fd, std::string_view data);

}  // namespace ecslocal::plugin
