/* Transparent huge pages for Kaplan's large buffers.
 *
 * Every analysis of 10^6 rows allocates a few dozen arrays of 4-8 MB. glibc
 * serves them with fresh mmap(2) regions and returns them to the kernel on
 * free, so each array is paid again in first-touch page faults: 2,048 faults
 * of 4 KiB pages per 8 MB, about a third of a Kaplan–Meier call from a
 * script. glibc's `glibc.malloc.hugetlb=1` tunable (glibc 2.35 and later)
 * makes malloc madvise(MADV_HUGEPAGE) its regions, so that the kernel backs
 * them with 2 MiB pages when /sys/kernel/mm/transparent_hugepage/enabled is
 * `madvise` (Debian's default) or `always`: 512 times fewer faults. Measured
 * on the 2-core development machine at 10^6 rows, one call after read_csv:
 * km 0.091 -> 0.058 s, log-rank 0.097 -> 0.065 s, cuminc 0.138 -> 0.103 s.
 *
 * Tried and not adopted (docs/ARCHITECTURE.md, "Memory pages"): adding
 * `glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295` (large
 * arrays from the heap, freed pages kept for the next array) gave no gain at
 * 10^6 rows, where glibc's dynamic mmap threshold already serves 8 MB arrays
 * from the heap, none that held at 10^7 rows on the shared machine, and a
 * Cox job's peak memory 30% higher at 10^6 rows (heap fragmentation). Run
 * scripts/bench/tunables.py to compare settings without rebuilding: a
 * GLIBC_TUNABLES set by the caller is used as given.
 *
 * Opt-in since session 5 (KAPLAN_HUGE_PAGES=1), measured on a quiet machine
 * (docs/ARCHITECTURE.md, "Memory pages"): with the kernel's `defrag =
 * madvise`, a fault in a madvised region waits for the kernel to compact
 * 2 MiB pages when none are free, which made read_csv + derive at 10^7 rows
 * take 6.0-7.2 s of wall time against 2.1-2.5 s without, and the first
 * read_csv of 10^6 rows 1.34 s against 0.45 s; the gain when pages are free
 * (km 0.044 -> 0.033 s, cuminc 0.086 -> 0.064 s at 10^6 rows) is smaller
 * than one such stall.
 *
 * Tunables are read by the dynamic loader before any code of the program
 * runs, so the only way to set one for ourselves is to re-execute: this
 * constructor runs before main (and before the Swift runtime allocates),
 * sets GLIBC_TUNABLES and execs /proc/self/exe with the same arguments. It
 * does nothing unless KAPLAN_HUGE_PAGES=1, when GLIBC_TUNABLES is already
 * set (the user's own tunables win, and the re-executed process sees ours,
 * so it never loops), or when the exec fails (then Kaplan runs as before).
 * Children (rsvg-convert) inherit the variable, which only affects malloc.
 */
#include "CStartup.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char tunable[] = "glibc.malloc.hugetlb=1";

int kaplan_huge_pages_enabled(void) {
  const char *value = getenv("GLIBC_TUNABLES");
  return value != NULL && strstr(value, tunable) != NULL;
}

__attribute__((constructor)) static void kaplan_reexec_with_huge_pages(int argc, char **argv, char **envp) {
  (void)envp;
  if (argc < 1 || argv == NULL || argv[0] == NULL) return;
  if (getenv("GLIBC_TUNABLES") != NULL) return;
  const char *opt_in = getenv("KAPLAN_HUGE_PAGES");
  if (opt_in == NULL || strcmp(opt_in, "1") != 0) return;
  if (setenv("GLIBC_TUNABLES", tunable, 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");
}
