/* See CLandlock.h. */
#define _GNU_SOURCE
#include "CLandlock.h"
#include <errno.h>

#ifdef __linux__
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

/* The kernel's structures, as of ABI 6; an older kernel accepts the larger
 * struct as long as the fields it does not know are zero. */
struct kl_ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};

struct kl_path_beneath_attr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

enum { KL_CREATE_RULESET_VERSION = 1, KL_RULE_PATH_BENEATH = 1 };

static int kl_result(long r) { return r < 0 ? -errno : (int)r; }

int kl_abi_version(void) {
  return kl_result(syscall(SYS_landlock_create_ruleset, NULL, 0, KL_CREATE_RULESET_VERSION));
}

int kl_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped) {
  struct kl_ruleset_attr attr = {handled_fs, handled_net, scoped};
  /* Pass only as much of the struct as the rights need, so that a kernel
   * older than the struct never sees it. */
  size_t size = scoped ? sizeof attr : handled_net ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
  return kl_result(syscall(SYS_landlock_create_ruleset, &attr, size, 0));
}

int kl_add_path_rule(int ruleset_fd, int parent_fd, uint64_t access) {
  struct kl_path_beneath_attr attr = {access, parent_fd};
  return kl_result(syscall(SYS_landlock_add_rule, ruleset_fd, KL_RULE_PATH_BENEATH, &attr, 0));
}

int kl_restrict_self(int ruleset_fd) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
  return kl_result(syscall(SYS_landlock_restrict_self, ruleset_fd, 0));
}

int kl_open_path(const char *path, int *is_dir) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat info;
  if (fstat(fd, &info) != 0) {
    int saved = errno;
    close(fd);
    return -saved;
  }
  *is_dir = S_ISDIR(info.st_mode);
  return fd;
}

#else

int kl_abi_version(void) { return -ENOSYS; }
int kl_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped) {
  (void)handled_fs; (void)handled_net; (void)scoped;
  return -ENOSYS;
}
int kl_add_path_rule(int ruleset_fd, int parent_fd, uint64_t access) {
  (void)ruleset_fd; (void)parent_fd; (void)access;
  return -ENOSYS;
}
int kl_restrict_self(int ruleset_fd) { (void)ruleset_fd; return -ENOSYS; }
int kl_open_path(const char *path, int *is_dir) { (void)path; (void)is_dir; return -ENOSYS; }

#endif
