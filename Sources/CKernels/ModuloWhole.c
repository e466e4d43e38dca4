/* x %% d for a whole divisor on a block of doubles, branch-free (CKernels.h):
 * the exact case of ModuloKernel (Column+MathOperators.swift). */
#include "CKernels.h"
#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

static const double whole = 4503599627370496.0;
/* Whole numbers below 2^53 - 2^20: a product that rounds below it is exact. */
static const double exactProducts = 9007199253692416.0;

static inline __attribute__((always_inline)) long modulo_rows(
    const double *restrict x, double *restrict y, long n, double d) {
  long undecided = 0;
  for (long i = 0; i < n; i++) {
    double v = x[i];
    double q = v / d;
    double aq = q < 0 ? -q : q;
    /* q rounded to a whole number (|q| < 2^52), then floor(q); + 0.0 makes
     * -0 into +0, as the conversion through Int64 gives. */
    double nearest = (aq + whole) - whole;
    nearest = q < 0 ? -nearest : nearest;
    double down = (nearest > q ? nearest - 1 : nearest) + 0.0;
    double m = down * d;
    double am = m < 0 ? -m : m, av = v < 0 ? -v : v;
    double r = (v - m) + 0.0;
    int inRange = d > 0 ? ((r >= 0) & (r < d)) : ((r <= 0) & (r > d));
    int decided = (aq < whole) & (am < exactProducts) & (av >= am) & ((v - r) - m == 0) & inRange;
    double nan;
    uint64_t nanBits = 0x7ff8000000000000ULL;
    memcpy(&nan, &nanBits, 8);
    y[i] = decided ? r : nan;
    undecided += !decided;
  }
  return undecided;
}

__attribute__((target("avx2"))) static long modulo_avx2(
    const double *restrict x, double *restrict y, long n, double d) {
  return modulo_rows(x, y, n, d);
}

static long modulo_baseline(const double *restrict x, double *restrict y, long n, double d) {
  return modulo_rows(x, y, n, d);
}

long kaplan_modulo_whole(const double *x, double *y, long n, double d) {
  if (__builtin_cpu_supports("avx2")) return modulo_avx2(x, y, n, d);
  return modulo_baseline(x, y, n, d);
}
