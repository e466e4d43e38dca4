/* CKernels: element-wise loops that the Swift compiler leaves scalar.
 *
 * Each function decides what it can exactly with branch-free arithmetic that
 * vectorises (SSE2, or AVX2 where the CPU has it, chosen at run time), and
 * writes NaN where it could not decide: the caller computes those rows with
 * its scalar kernel, so every value is the scalar kernel's bit for bit. No
 * decided value is ever NaN, so NaN marks the rows left to the caller. The
 * loops only read `x` and write `y` (rows [0, n)); they allocate nothing.
 */
#ifndef CKERNELS_H
#define CKERNELS_H

#include "Prefetch.h"

/* R 4's round(x, digits) for 10^digits = p10 (digits in -308...308, not 0;
 * see RRounding.swift): where 0 < |x| < limit and p10·|x| < 2^52, the two
 * candidates floor(p10·|x|)/p10 and ceil(p10·|x|)/p10, the nearer to |x| in
 * double arithmetic, the even one on a tie, with x's sign. `limit` is the
 * power of two from which R returns x unchanged (its DBL_DIG test). Returns
 * the number of rows left as NaN. */
long kaplan_round_digits(const double *x, double *y, long n, double p10, double limit);

/* x %% d for a whole divisor d (0 < |d| <= 2^31): where q = x/d is below
 * 2^52 in size, m = floor(q)·d is a whole number below 2^53 - 2^20 in size
 * no larger than |x|, and r = x - m satisfies (x - r) - m == 0 and lies in
 * [0, d) (or (d, 0]), r (with -0 as +0). Returns the rows left as NaN. */
long kaplan_modulo_whole(const double *x, double *y, long n, double d);

/* log1p(x) as glibc's FMA build computes it (Log1p.c), where x is on its
 * main path; only when kaplan_log1p_block_available() (AVX2 and FMA), else
 * every row is left as NaN. Returns the rows left as NaN. */
int kaplan_log1p_block_available(void);
long kaplan_log1p_block(const double *x, double *y, long n);

/* sqrt(x) of every row (SquareRoot.c): correctly rounded, NaN for x < 0 or
 * NaN. y may equal x (each lane is read before it is written). */
void kaplan_sqrt_block(const double *x, double *y, long n);

#endif
