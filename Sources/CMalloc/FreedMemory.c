#include "CMalloc.h"

/* <stddef.h> and <limits.h> first: they define __GLIBC__ (through
 * <features.h>) where the C library is glibc. */
#include <limits.h>
#include <stddef.h>

#if defined(__GLIBC__)
#include <malloc.h>

int kaplan_malloc_keep_freed(void) {
  int mmaps = mallopt(M_MMAP_MAX, 0);
  int trim = mallopt(M_TRIM_THRESHOLD, INT_MAX);
  return mmaps == 1 && trim == 1;
}

int kaplan_malloc_return_freed(void) {
  int mmaps = mallopt(M_MMAP_MAX, 65536);
  int threshold = mallopt(M_MMAP_THRESHOLD, 32 << 20);
  int trim = mallopt(M_TRIM_THRESHOLD, 64 << 20);
  malloc_trim(0);
  return mmaps == 1 && threshold == 1 && trim == 1;
}

int kaplan_malloc_is_mapped(void *pointer) {
  /* The word before a block is its chunk's size; bit 1 is IS_MMAPPED. */
  if (pointer == NULL) return 0;
  return (((const size_t *)pointer)[-1] & 2) != 0;
}
#else
int kaplan_malloc_is_mapped(void *pointer) { (void)pointer; return 0; }
int kaplan_malloc_keep_freed(void) { return 0; }
int kaplan_malloc_return_freed(void) { return 0; }
#endif
