#define _GNU_SOURCE
#include "CProcess.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* ------------------------------------------------------------ live children */

#define KP_MAX_CHILDREN 32
static atomic_int live[KP_MAX_CHILDREN];

static void remember(pid_t pid) {
  for (int i = 0; i < KP_MAX_CHILDREN; i++) {
    int empty = 0;
    if (atomic_compare_exchange_strong(&live[i], &empty, (int)pid)) return;
  }
  /* More than 32 at once: not tracked, but still in its own group with
   * PDEATHSIG. Kaplan runs one converter at a time per thread. */
}

void kp_forget(pid_t pid) {
  for (int i = 0; i < KP_MAX_CHILDREN; i++) {
    int expected = (int)pid;
    if (atomic_compare_exchange_strong(&live[i], &expected, 0)) return;
  }
}

void kp_kill_children(void) {
  for (int i = 0; i < KP_MAX_CHILDREN; i++) {
    int pid = atomic_load(&live[i]);
    if (pid > 0) kill(-(pid_t)pid, SIGKILL);
  }
}

/* -------------------------------------------------------------------- spawn */

int kp_spawn(const char *path, char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid_out) {
  return kp_spawn_limited(path, argv, stdin_fd, stdout_fd, stderr_fd, 0, pid_out);
}

int kp_spawn_limited(const char *path, char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd,
                     unsigned long long address_space_bytes, pid_t *pid_out) {
  /* The child reports a failed exec through this pipe (close-on-exec: EOF
   * means the exec succeeded). */
  int report[2];
  if (pipe(report) != 0) return errno;
  fcntl(report[0], F_SETFD, FD_CLOEXEC);
  fcntl(report[1], F_SETFD, FD_CLOEXEC);
  pid_t parent = getpid();
  /* Block signals around fork so the child runs no inherited handler
   * before it resets them. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = fork();
  if (pid == 0) {
    /* Child: only async-signal-safe calls from here to exec. */
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  /* the parent died before prctl */
#else
    (void)parent;
#endif
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
      if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Without an output descriptor stdout joins stderr (opening /dev/null
     * would need write access a sandbox may not grant). */
    if (stdout_fd < 0) stdout_fd = stderr_fd;
    if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) {
      int e = errno;
      (void)!write(report[1], &e, sizeof e);
      _exit(127);
    }
    if (address_space_bytes > 0) {
      /* setrlimit is a plain system call (prlimit64): safe between fork and exec. */
      rlim_t want = (rlim_t)address_space_bytes;
      struct rlimit now;
      /* Never above a hard limit already set (raising it would fail). */
      if (getrlimit(RLIMIT_AS, &now) == 0 && now.rlim_max != RLIM_INFINITY && now.rlim_max < want) {
        want = now.rlim_max;
      }
      struct rlimit limit = {want, want};
      if (setrlimit(RLIMIT_AS, &limit) != 0) {
        int e = errno;
        (void)!write(report[1], &e, sizeof e);
        _exit(127);
      }
    }
    execv(path, argv);
    int e = errno;
    (void)!write(report[1], &e, sizeof e);
    _exit(127);
  }
  int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  close(report[1]);
  if (pid < 0) { close(report[0]); return fork_errno; }
  /* Also set the group from the parent, so that a kill of the group right
   * after this function cannot miss it. */
  setpgid(pid, pid);
  remember(pid);
  int child_errno = 0;
  ssize_t n;
  do { n = read(report[0], &child_errno, sizeof child_errno); } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == (ssize_t)sizeof child_errno && child_errno != 0) {
    /* The exec failed: reap the child and report why. */
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    kp_forget(pid);
    return child_errno;
  }
  *pid_out = pid;
  return 0;
}

/* ------------------------------------------------------------ stdin channel */

int kp_channel(int fds[2]) {
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return -1;
  for (int i = 0; i < 2; i++) fcntl(fds[i], F_SETFD, FD_CLOEXEC);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(fds[0], SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  return 0;
}

long kp_send(int fd, const void *bytes, unsigned long count) {
#ifdef MSG_NOSIGNAL
  return (long)send(fd, bytes, count, MSG_NOSIGNAL);
#else
  return (long)send(fd, bytes, count, 0);
#endif
}

/* --------------------------------------------------------------- signals */

static void on_termination(int sig) {
  kp_kill_children();
  signal(sig, SIG_DFL);
  raise(sig);
}

int kp_install_termination_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_termination;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGHUP, &sa, NULL) != 0) return -1;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void kp_end_process(const char *message, int status) {
  if (ftrylockfile(stdout) == 0) {
    fflush(stdout);
    funlockfile(stdout);
  }
  if (message != NULL) {
    size_t left = strlen(message);
    const char *p = message;
    while (left > 0) {
      ssize_t n = write(2, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      p += n;
      left -= (size_t)n;
    }
  }
  kp_kill_children();
  _exit(status);
}
