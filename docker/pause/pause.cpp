// ecslocal-pause: PID 1 of a task's pause container, the process that holds the task's network
// namespace while the task's containers come and go. It does nothing but wait: SIGTERM or SIGINT
// ends it with status 0 (so `docker stop` returns at once instead of waiting for SIGKILL), and it
// reaps any child that gets re-parented to it. Linked statically, so the image needs no libc.
//
// `pause --until-stdin-closes` also ends (status 0) when its stdin reaches end of file: the
// instance lock container (runtime/task/instance_lock.hpp) lives exactly as long as the ecslocal
// process attached to its stdin.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_stop(int) { stop_requested = 1; }
void on_child(int) {}

void install(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = signal == SIGCHLD ? SA_NOCLDSTOP : 0;
  sigaction(signal, &action, nullptr);
}

void reap_children() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

// True when stdin has reached its end (or failed); false when the wait was interrupted by a signal.
bool stdin_closed(const sigset_t& waiting) {
  pollfd in{STDIN_FILENO, POLLIN, 0};
  int ready = ppoll(&in, 1, nullptr, &waiting);
  if (ready < 0) return errno != EINTR;
  if ((in.revents & (POLLERR | POLLNVAL)) != 0) return true;
  char buffer[256];
  ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
  if (n < 0) return errno != EINTR && errno != EAGAIN;
  return n == 0;  // bytes are ignored; only the end matters
}

}  // namespace

int main(int argc, char** argv) {
  bool until_stdin_closes = argc == 2 && std::strcmp(argv[1], "--until-stdin-closes") == 0;
  if (argc > 1 && !until_stdin_closes) {  // one option only: say what this is and leave
    static const char usage[] =
        "ecslocal-pause [--until-stdin-closes]: holds a task's network namespace until SIGTERM or SIGINT\n";
    (void)!write(STDERR_FILENO, usage, sizeof usage - 1);
    return 2;
  }
  // Block the signals outside sigsuspend, so none can slip in between the check and the wait.
  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGCHLD);
  sigprocmask(SIG_BLOCK, &blocked, &waiting);
  sigdelset(&waiting, SIGTERM);
  sigdelset(&waiting, SIGINT);
  sigdelset(&waiting, SIGCHLD);
  install(SIGTERM, on_stop);
  install(SIGINT, on_stop);
  install(SIGCHLD, on_child);
  while (!stop_requested) {
    if (until_stdin_closes) {
      if (stdin_closed(waiting)) break;
    } else {
      sigsuspend(&waiting);
    }
    reap_children();
  }
  reap_children();
  return EXIT_SUCCESS;
}
