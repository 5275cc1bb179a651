// ecslocal-pause: PID 1 of a task's pause container, the process that holds the task's network
// namespace while the task's containers come and go. It does nothing but wait: SIGTERM or SIGINT
// ends it with status 0 (so `docker stop` returns at once instead of waiting for SIGKILL), and it
// reaps any child that gets re-parented to it. Linked statically, so the image needs no libc.
#include <csignal>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

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

}  // namespace

int main(int argc, char**) {
  if (argc > 1) {  // no options: say what this is and leave
    static const char usage[] = "ecslocal-pause: holds a task's network namespace until SIGTERM or SIGINT\n";
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
    sigsuspend(&waiting);
    reap_children();
  }
  reap_children();
  return EXIT_SUCCESS;
}
