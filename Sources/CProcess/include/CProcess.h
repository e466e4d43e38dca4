/* CProcess: child processes that never outlive Kaplan.
 *
 * A child (rsvg-convert) runs in its own process group, with
 * PR_SET_PDEATHSIG = SIGKILL on Linux, so that it dies with Kaplan even when
 * Kaplan is killed by a signal it cannot catch. Live children are kept in a
 * small process-global table that async-signal-safe code (the SIGTERM
 * handler, the watchdog's exit path) can kill. Swift's Process cannot set
 * PDEATHSIG or the process group, hence this thin C helper.
 */
#ifndef CPROCESS_H
#define CPROCESS_H
#include <sys/types.h>

/* Starts `path` with `argv` (NULL-terminated) in a new process group, with
 * stdin from `stdin_fd`, stdout to `stdout_fd` (-1: to `stderr_fd`) and
 * stderr to `stderr_fd`, and records it as live. Returns 0 and the pid, or
 * an errno value. */
int kp_spawn(const char *path, char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid_out);

/* kp_spawn with the child's address space limited to `address_space_bytes`
 * (setrlimit RLIMIT_AS in the child before exec; 0: no limit), so that a
 * converter asked for a huge image fails for memory instead of taking what
 * `--max-memory` denies Kaplan itself. */
int kp_spawn_limited(const char *path, char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd,
                     unsigned long long address_space_bytes, pid_t *pid_out);

/* A socket pair for a child's standard input: fds[0] (non-blocking, for
 * kp_send) stays with Kaplan, fds[1] becomes the child's stdin. A socket,
 * not a pipe, so that writing to a child that died raises no SIGPIPE.
 * Returns 0, or -1 with errno. */
int kp_channel(int fds[2]);
/* send(2) without SIGPIPE: bytes sent, or -1 with errno (EAGAIN when full). */
long kp_send(int fd, const void *bytes, unsigned long count);

/* Forgets a child that has been reaped. */
void kp_forget(pid_t pid);

/* SIGKILLs the process group of every live child. Async-signal-safe. */
void kp_kill_children(void);

/* SIGTERM and SIGHUP kill the children's process groups, then end Kaplan by
 * the same signal (so `timeout` and shells see the usual status). */
int kp_install_termination_handlers(void);

/* Ends the process from any thread: flushes stdout if no other thread holds
 * it, writes `message` to stderr, kills the children and _exits. */
__attribute__((noreturn)) void kp_end_process(const char *message, int status);

#endif
