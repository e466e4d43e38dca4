/* CMalloc: glibc allocator settings for RunControl's FreedMemoryRetention
 * (malloc.h is not part of Swift's Glibc module). Elsewhere than glibc the
 * functions do nothing and return 0. */
#ifndef CMALLOC_H
#define CMALLOC_H

/* Large requests from the heap, never a fresh mapping (M_MMAP_MAX 0), and
 * the heap's free top kept (M_TRIM_THRESHOLD at its maximum). Returns 1
 * when glibc took both settings. */
int kaplan_malloc_keep_freed(void);

/* Mappings again above 32 MiB, the top trimmed above 64 MiB (the values
 * glibc's own adjustment reaches), and every free page given back to the
 * kernel (malloc_trim). Returns 1 when glibc took the settings. */
int kaplan_malloc_return_freed(void);

/* 1 when `pointer`, a block from malloc, is a mapping of its own (glibc's
 * chunk header, IS_MMAPPED); 0 when it is in a heap. For tests. */
int kaplan_malloc_is_mapped(void *pointer);

#endif
