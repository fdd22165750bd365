/* num_f32.c — the significant digits rs_format_f32 writes, found by exact
 * integer arithmetic instead of a printf/strtof loop.
 *
 * Why: rs-predict formats one score per row, and the loop (print 6, 7, 8
 * significant digits until strtof reads the float back, else 9) cost as much
 * as scoring a 300-tree forest.  A float is m * 2^e exactly (m < 2^24);
 * scaled by 10^q (q = -e when e < 0, else 0) it is the integer
 * V = m * 5^q (or m * 2^e), which 128 bits hold for -44 <= e <= 102
 * (2^-21 <= |x| < 2^126, about 4.8e-7 to 8.5e37).  Rounding V to N significant digits half to
 * even is what printf's "%.*e" does to the exact value, and the rounded value
 * reads back as the float exactly when it lies within half the gap to the
 * neighbouring float (a tie goes to the even mantissa, as strtof rounds).
 * So the digits are the loop's, byte for byte (tests/unit/test_num.c checks
 * them against the loop); other exponents return 0 and the caller keeps the
 * loop. */
#include "num.h"

#include <math.h>

typedef unsigned __int128 u128;

static const uint64_t pow5_64[28] = {
    1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u, 9765625u, 48828125u, 244140625u,
    1220703125u, 6103515625u, 30517578125u, 152587890625u, 762939453125u, 3814697265625u, 19073486328125u,
    95367431640625u, 476837158203125u, 2384185791015625u, 11920928955078125u, 59604644775390625u,
    298023223876953125u, 1490116119384765625u, 7450580596923828125u};

#define E19 ((u128)10000000000000000000u)
static const u128 pow10_128[39] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u, 10000000000u,
    100000000000u, 1000000000000u, 10000000000000u, 100000000000000u, 1000000000000000u,
    10000000000000000u, 100000000000000000u, 1000000000000000000u, E19, E19 * 10u, E19 * 100u,
    E19 * 1000u, E19 * 10000u, E19 * 100000u, E19 * 1000000u, E19 * 10000000u, E19 * 100000000u,
    E19 * 1000000000u, E19 * 10000000000u, E19 * 100000000000u, E19 * 1000000000000u,
    E19 * 10000000000000u, E19 * 100000000000000u, E19 * 1000000000000000u, E19 * 10000000000000000u,
    E19 * 100000000000000000u, E19 * 1000000000000000000u, E19 * E19};

static u128 pow5(int q)
{
    return q < 28 ? pow5_64[q] : (u128)pow5_64[27] * pow5_64[q - 27];
}

/* k with 10^(k-1) <= v < 10^k (v > 0, v < 10^38) */
static int count_digits(u128 v)
{
    int k = 1;
    while (k < 38 && v >= pow10_128[k])
        k++;
    return k;
}

/* Does the scaled value c read back as the float whose scaled value is v?
 * gap: the float's ulp, scaled; below a power of two the gap down is half. */
static int reads_back(u128 c, u128 v, u128 gap, uint32_t m)
{
    u128 twice = c >= v ? 2 * (c - v) : (m == (1u << 23) ? 4 * (v - c) : 2 * (v - c));
    return twice < gap || (twice == gap && (m & 1) == 0);
}

int rs_f32_digits(float x, char digits[9], int *point)
{
    if (!isfinite(x) || x == 0)
        return 0;
    int ex;
    float fr = frexpf(fabsf(x), &ex);   /* |x| = fr * 2^ex, fr in [0.5, 1) */
    uint32_t m = (uint32_t)ldexpf(fr, 24);
    int e = ex - 24;
    if (m < (1u << 23) || e < -44 || e > 102)   /* subnormal, or V beyond 128 bits */
        return 0;
    int q = e < 0 ? -e : 0;
    u128 v = e < 0 ? (u128)m * pow5(q) : (u128)m << e;
    u128 gap = e < 0 ? pow5(q) : (u128)1 << e;
    int k = count_digits(v);
    for (int n = 6; n <= 9; n++) {
        int exp10 = k - 1 - q;   /* of the leading digit */
        u128 c = v, p = 1;
        if (k > n) {
            p = pow10_128[k - n];
            c = v / p;
            u128 r = v - c * p;
            c += 2 * r > p || (2 * r == p && (c & 1));
        }
        if (n < 9 && !reads_back(c * p, v, gap, m))
            continue;
        int len = k > n ? n : k;
        if (c == pow10_128[len])   /* 9.9999996 rounded up to 10.00000 */
            c /= 10, exp10++;
        uint32_t d = (uint32_t)c;
        for (int i = len - 1; i >= 0; i--, d /= 10)
            digits[i] = (char)('0' + d % 10);
        while (len > 1 && digits[len - 1] == '0')
            len--;
        *point = exp10 + 1;
        return len;
    }
    return 0;   /* not reached: 9 digits always read back */
}
