/* CLandlock: the Landlock system calls (Linux >= 5.13) for Kaplan's kernel
 * sandbox.  Swift cannot call the variadic syscall(2), so these thin
 * wrappers do; the policy (which paths get which rights) is in Swift
 * (Scripting/KernelSandbox.swift).  On other systems every call fails with
 * -ENOSYS.  Reference: Documentation/userspace-api/landlock.rst and
 * include/uapi/linux/landlock.h of the Linux kernel.
 *
 * Every function returns 0 (or a descriptor / version) on success and
 * -errno on failure. */
#ifndef CLANDLOCK_H
#define CLANDLOCK_H
#include <stdint.h>

/* Filesystem rights (the kernel ABI that introduced each in brackets).  Kept
 * here rather than taken from <linux/landlock.h>, which may be older than
 * the kernel the binary runs on. */
static const uint64_t KL_FS_EXECUTE = 1ULL << 0;      /* [1] */
static const uint64_t KL_FS_WRITE_FILE = 1ULL << 1;   /* [1] */
static const uint64_t KL_FS_READ_FILE = 1ULL << 2;    /* [1] */
static const uint64_t KL_FS_READ_DIR = 1ULL << 3;     /* [1] */
static const uint64_t KL_FS_REMOVE_DIR = 1ULL << 4;   /* [1] */
static const uint64_t KL_FS_REMOVE_FILE = 1ULL << 5;  /* [1] */
static const uint64_t KL_FS_MAKE_CHAR = 1ULL << 6;    /* [1] */
static const uint64_t KL_FS_MAKE_DIR = 1ULL << 7;     /* [1] */
static const uint64_t KL_FS_MAKE_REG = 1ULL << 8;     /* [1] */
static const uint64_t KL_FS_MAKE_SOCK = 1ULL << 9;    /* [1] */
static const uint64_t KL_FS_MAKE_FIFO = 1ULL << 10;   /* [1] */
static const uint64_t KL_FS_MAKE_BLOCK = 1ULL << 11;  /* [1] */
static const uint64_t KL_FS_MAKE_SYM = 1ULL << 12;    /* [1] */
static const uint64_t KL_FS_REFER = 1ULL << 13;       /* [2] */
static const uint64_t KL_FS_TRUNCATE = 1ULL << 14;    /* [3] */
static const uint64_t KL_FS_IOCTL_DEV = 1ULL << 15;   /* [5] */
/* Network rights [4] and scopes [6]. */
static const uint64_t KL_NET_BIND_TCP = 1ULL << 0;
static const uint64_t KL_NET_CONNECT_TCP = 1ULL << 1;
static const uint64_t KL_SCOPE_ABSTRACT_UNIX_SOCKET = 1ULL << 0;
static const uint64_t KL_SCOPE_SIGNAL = 1ULL << 1;

/* The Landlock ABI version the kernel offers (>= 1), or -ENOSYS (no
 * Landlock in this kernel) / -EOPNOTSUPP (built in but disabled at boot). */
int kl_abi_version(void);

/* A new ruleset handling these rights (pass 0 for what the ABI lacks);
 * returns its descriptor. */
int kl_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped);

/* Allows `access` beneath the file or directory open as `parent_fd`
 * (opened with O_PATH). */
int kl_add_path_rule(int ruleset_fd, int parent_fd, uint64_t access);

/* Sets no_new_privs and enforces the ruleset on the calling thread and every
 * process it starts later.  Irreversible. */
int kl_restrict_self(int ruleset_fd);

/* open(path, O_PATH | O_CLOEXEC) (a descriptor for kl_add_path_rule), and
 * whether it is a directory (*is_dir). */
int kl_open_path(const char *path, int *is_dir);

#endif
