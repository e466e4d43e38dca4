/* sqrt(x) on a block of doubles with the vector square-root instruction
 * (CKernels.h). IEEE 754 square roots are correctly rounded, so each lane
 * is the scalar sqrtsd's value; a negative x gives NaN (NA) as there. The
 * Swift loop stays scalar: its sqrt checks for a negative argument first. */
#include "CKernels.h"
#include <immintrin.h>

__attribute__((target("avx2"))) static void sqrt_avx2(const double *x, double *y, long n) {
  long i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _mm256_sqrt_pd(_mm256_loadu_pd(x + i)));
  for (; i < n; i++) _mm_store_sd(y + i, _mm_sqrt_sd(_mm_setzero_pd(), _mm_load_sd(x + i)));
}

static void sqrt_baseline(const double *x, double *y, long n) {
  long i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
  for (; i < n; i++) _mm_store_sd(y + i, _mm_sqrt_sd(_mm_setzero_pd(), _mm_load_sd(x + i)));
}

void kaplan_sqrt_block(const double *x, double *y, long n) {
  if (__builtin_cpu_supports("avx2")) {
    sqrt_avx2(x, y, n);
  } else {
    sqrt_baseline(x, y, n);
  }
}
