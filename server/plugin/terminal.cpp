#include "server/plugin/terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

namespace ecslocal::plugin {
namespace {

// The saved state, global so the atexit and fatal-signal handlers can put it back; only
// async-signal-safe calls (tcsetattr, fcntl) touch it there.
struct termios saved_termios {};
volatile sig_atomic_t termios_saved = 0, raw_active = 0;
int saved_flags = -1;

void restore_saved() {
  if (raw_active && termios_saved) {
    tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
    raw_active = 0;
  }
  if (saved_flags >= 0) fcntl(STDIN_FILENO, F_SETFL, saved_flags);
}

void on_fatal_signal(int sig) {
  restore_saved();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_safety_nets() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  std::atexit(restore_saved);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(sig, &action, nullptr);
  }
}

std::optional<WindowSize> size_of(int fd) {
  struct winsize ws {};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0) return std::nullopt;
  return WindowSize{ws.ws_col, ws.ws_row};
}

}  // namespace

std::optional<WindowSize> window_size() {
  if (auto size = size_of(STDOUT_FILENO)) return size;
  return size_of(STDIN_FILENO);
}

TerminalMode::TerminalMode() {
  install_safety_nets();
  saved_flags = fcntl(STDIN_FILENO, F_GETFL);
  tty_ = isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved_termios) == 0;
  termios_saved = tty_ ? 1 : 0;
}

TerminalMode::~TerminalMode() { restore(); }

void TerminalMode::enter_raw() {
  if (!tty_ || raw_active) return;
  struct termios raw = saved_termios;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
  raw.c_iflag &= ~static_cast<tcflag_t>(IXON);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0) raw_active = 1;
}

void TerminalMode::restore() { restore_saved(); }

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p {fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace ecslocal::plugin
