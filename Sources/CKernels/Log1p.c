/* log1p(x) on a block of doubles, vectorised (CKernels.h), bit for bit the
 * log1p that glibc's libm selects on a CPU with AVX2 and FMA (its __log1p_fma
 * variant, glibc 2.36 on x86-64), which R's log1p calls too.
 *
 * The algorithm is fdlibm's s_log1p.c, whose notice follows:
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 * 1 + x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2), a correction c/u for
 * the rounding of u = 1 + x, s = f / (2 + f), and
 * log1p(x) = k ln2_hi - ((hfsq - (s (hfsq + R(s^2)) + (k ln2_lo + c))) - f).
 * The multiply-adds are fused exactly where glibc's FMA build fuses them (read
 * from its machine code), so every operation rounds as there. Rows outside the
 * main path (x <= -1, |x| < 2^-29, x >= 2^53, f below 2^-20, NaN, infinities)
 * are left as NaN for the caller's scalar log1p. `LibmBlockKernels` checks the
 * loop against the libm it runs with before using it. */
#include "CKernels.h"
#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10,
                    Lp1 = 6.666666666666735130e-01, Lp2 = 3.999999999940941908e-01,
                    Lp3 = 2.857142874366239149e-01, Lp4 = 2.222219843214978396e-01,
                    Lp5 = 1.818357216161805012e-01, Lp6 = 1.531383769920937332e-01,
                    Lp7 = 1.479819860511658591e-01;

__attribute__((target("avx2,fma"))) static long log1p_fma(const double *restrict x, double *restrict y, long n) {
  long undecided = 0;
  for (long i = 0; i < n; i++) {
    double v = x[i];
    uint64_t bits;
    memcpy(&bits, &v, 8);
    int32_t hx = (int32_t)(bits >> 32);
    int32_t ax = hx & 0x7fffffff;
    /* k = 0: -0.2929 < x < 0.41422, f = x. */
    int small = (hx < 0x3FDA827A) & ((hx > 0) | (hx <= (int32_t)0xbfd2bec3));
    /* Otherwise u = 1 + x, its exponent k and the correction c / u. */
    double u = 1.0 + v;
    uint64_t ub;
    memcpy(&ub, &u, 8);
    int32_t hu = (int32_t)(ub >> 32);
    int32_t k = (hu >> 20) - 1023;
    double c = k > 0 ? 1.0 - (u - v) : v - (u - 1.0);
    c = c / u;
    int32_t m = hu & 0x000fffff;
    int half = m >= 0x6a09e;
    k += half;
    uint64_t high = (uint64_t)(uint32_t)(m | (half ? 0x3fe00000 : 0x3ff00000));
    uint64_t normalized = (high << 32) | (ub & 0xffffffffULL);
    double un;
    memcpy(&un, &normalized, 8);
    int32_t fraction = half ? (0x00100000 - m) >> 2 : m;
    double f = small ? v : un - 1.0;
    int32_t kk = small ? 0 : k;
    double cc = small ? 0.0 : c;
    double hfsq = 0.5 * f * f;
    double s = f / (2.0 + f);
    double z = s * s;
    double z2 = z * z;
    double R2 = __builtin_fma(z, Lp3, Lp2), z4 = z2 * z2;
    double R3 = __builtin_fma(z, Lp5, Lp4), z6 = z2 * z4;
    double R4 = __builtin_fma(z, Lp7, Lp6);
    double R = __builtin_fma(z6, R4, __builtin_fma(z4, R3, __builtin_fma(z, Lp1, z2 * R2)));
    double dk = (double)kk;
    double t = s * (hfsq + R);
    double r0 = f - (hfsq - t);
    double r1 = __builtin_fma(dk, ln2_hi, -((hfsq - (__builtin_fma(dk, ln2_lo, cc) + t)) - f));
    double r = kk == 0 ? r0 : r1;
    int general = (!small) & (hx < 0x43400000) & ((hx >= 0x3FDA827A) | ((hx < 0) & (ax < 0x3ff00000))) &
                  (fraction != 0);
    int decided = (small & (ax >= 0x3e200000)) | general;
    uint64_t rb, nan = 0x7ff8000000000000ULL;
    memcpy(&rb, &r, 8);
    uint64_t out = decided ? rb : nan;
    memcpy(&y[i], &out, 8);
    undecided += !decided;
  }
  return undecided;
}

int kaplan_log1p_block_available(void) {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

long kaplan_log1p_block(const double *x, double *y, long n) {
  if (!kaplan_log1p_block_available()) {
    for (long i = 0; i < n; i++) {
      uint64_t nan = 0x7ff8000000000000ULL;
      memcpy(&y[i], &nan, 8);
    }
    return n;
  }
  return log1p_fma(x, y, n);
}
