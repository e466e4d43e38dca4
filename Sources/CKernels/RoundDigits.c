/* R 4's round(x, digits) on a block of doubles, branch-free (CKernels.h).
 * Written from R's documented algorithm (both candidates divided back and
 * compared; see RRounding.swift), not from R's sources. */
#include "CKernels.h"
#include <stdint.h>
#include <string.h>

/* No fused multiply-add: every operation rounds as the scalar Swift kernel's. */
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

/* 2^52: from here on every double is a whole number. */
static const double whole = 4503599627370496.0;

static inline __attribute__((always_inline)) long round_rows(
    const double *restrict x, double *restrict y, long n, double p10, double limit) {
  long undecided = 0;
  for (long i = 0; i < n; i++) {
    double v = x[i];
    uint64_t bits;
    memcpy(&bits, &v, 8);
    uint64_t magnitude = bits & 0x7fffffffffffffffULL;
    double a;
    memcpy(&a, &magnitude, 8);
    double scaled = p10 * a;
    /* Below 2^52, (s + 2^52) - 2^52 is s rounded to a whole number (ties to
     * even), exactly; floor and ceil follow from it. */
    double nearest = (scaled + whole) - whole;
    double down = nearest > scaled ? nearest - 1 : nearest;
    double up = down < scaled ? down + 1 : down;
    double lower = down / p10, upper = up / p10;
    double toUpper = upper - a, toLower = a - lower;
    /* down + 2^52 is exact, and its last bit is down's parity. */
    double shifted = down + whole;
    uint64_t shiftedBits;
    memcpy(&shiftedBits, &shifted, 8);
    int odd = (int)(shiftedBits & 1);
    int useUpper = (toUpper < toLower) | ((toUpper == toLower) & odd);
    double pick = useUpper ? upper : lower;
    uint64_t pickBits;
    memcpy(&pickBits, &pick, 8);
    pickBits |= bits & 0x8000000000000000ULL;
    int decided = (a > 0) & (a < limit) & (scaled < whole);
    uint64_t nan = 0x7ff8000000000000ULL;
    uint64_t out = decided ? pickBits : nan;
    memcpy(&y[i], &out, 8);
    undecided += !decided;
  }
  return undecided;
}

__attribute__((target("avx2"))) static long round_avx2(
    const double *restrict x, double *restrict y, long n, double p10, double limit) {
  return round_rows(x, y, n, p10, limit);
}

static long round_baseline(const double *restrict x, double *restrict y, long n, double p10, double limit) {
  return round_rows(x, y, n, p10, limit);
}

long kaplan_round_digits(const double *x, double *y, long n, double p10, double limit) {
  if (__builtin_cpu_supports("avx2")) return round_avx2(x, y, n, p10, limit);
  return round_baseline(x, y, n, p10, limit);
}
