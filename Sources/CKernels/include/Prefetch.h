/* Software prefetch for the gathers and scatters whose addresses are known
 * some rows ahead (a sort's order, a rank column): the loop asks for the
 * cache line of row k + distance while it works on row k, so the misses of
 * several rows overlap instead of each stalling the loop in turn. A hint
 * only: it never faults (any address may be given) and changes no value.
 * GCC/Clang's __builtin_prefetch (rw: 0 read, 1 write; locality 3 keeps the
 * line in every cache level). Static inline, so Swift calls inline it;
 * included by the module's umbrella header, CKernels.h. */
#ifndef KAPLAN_PREFETCH_H
#define KAPLAN_PREFETCH_H

static inline __attribute__((always_inline)) void kaplan_prefetch_read(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

static inline __attribute__((always_inline)) void kaplan_prefetch_write(const void *address) {
  __builtin_prefetch(address, 1, 3);
}

#endif
