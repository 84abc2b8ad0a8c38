#include "RecoKernels.h"
#include "reco_simd.h"

#include <math.h>
#include <stdint.h>

#pragma clang fp contract(off)

// Kernels for categorical (softmax) policies, one row of A logits per call: the statistics A2C and PPO
// need (log-sum-exp, entropy, log pi(a)), their gradient, the soft state value and actor loss of discrete
// SAC, and inverse-CDF sampling. With A up to ~1e5 the passes over the row are the cost, so each kernel
// makes few: a max pass, then passes that fuse the exp with everything computed from it.
//
// All work is done on blocks of sixteen lanes. The last, partial block of a row is padded (logits with
// -inf, whose probability is exactly 0) and goes through the same code, so every element sees the same
// arithmetic. Sums are kept in sixteen float lanes and folded in a fixed order: a row's results do not
// depend on where it sits, on the thread that computes it or on the instruction set chosen.
//
// Entries of probability 0 (masked actions, logit -inf) contribute nothing: p log p and p q count as 0.
//
// Vectors are passed to helpers by pointer: a 64-byte vector argument would change the calling convention
// between the clones (the helpers are inlined, so no memory traffic remains).

#define RECO_INLINE static inline __attribute__((always_inline))

enum { LANES = 16 };
typedef int32_t reco_masks __attribute__((vector_size(64)));

/// `values` where `mask` is set, +0 elsewhere.
#define KEEP_WHERE(mask, values) ((reco_lanes)((reco_masks)(values) & (mask)))

/// The block of sixteen floats at `source`, or when only `rest` < 16 are left in the row, those with the
/// other lanes set to `fill`.
RECO_INLINE void load_block(reco_lanes *values, const float *source, size_t rest, float fill) {
    if (rest >= LANES) {
        __builtin_memcpy(values, source, sizeof *values);
    } else {
        *values = (reco_lanes){0} + fill;
        __builtin_memcpy(values, source, rest * sizeof(float));
    }
}

/// Stores a block, or its first `rest` lanes when fewer than sixteen are left in the row.
RECO_INLINE void store_block(float *destination, const reco_lanes *values, size_t rest) {
    if (rest >= LANES) {
        __builtin_memcpy(destination, values, sizeof *values);
    } else {
        __builtin_memcpy(destination, values, rest * sizeof(float));
    }
}

/// The sum of the sixteen lanes, folded as a fixed tree (halves, quarters, ...).
RECO_INLINE float lane_sum(const reco_lanes *values) {
    reco_lanes v = *values;
    v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
    v += __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    v += __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    return v[0];
}

/// e^x lane by lane (`result` may be `argument`), after Cephes expf: x = n ln2 + r with |r| <= ln2 / 2,
/// a polynomial for e^r, and the scaling by 2^n as two multiplies by powers of two built in the exponent
/// bits, so neither factor leaves the normal range. Within 2 ulp (1 ulp worst over the tests' sweep).
/// Below ln(FLT_MIN) ~ -87.34 (so for -inf too) the result is exactly 0, never subnormal; above
/// ln(FLT_MAX) ~ 88.72 it is +inf; NaN stays NaN.
RECO_INLINE void exp_lanes(reco_lanes *result, const reco_lanes *argument) {
    const reco_lanes x = *argument;
    const float smallest = -87.33654475f;    // ln(FLT_MIN)
    const float round_shift = 12582912.0f;  // 1.5 * 2^23: adding and subtracting it rounds to a whole number
    const float ln2_high = 0.693359375f, ln2_low = -2.12194440e-4f;  // n * ln2_high is exact
    const reco_lanes low = (reco_lanes){0} - 88.0f, high = (reco_lanes){0} + 89.0f;
    // maxNum maps NaN to -88 (restored below); x = 89 still overflows to +inf.
    const reco_lanes clamped = __builtin_elementwise_min(__builtin_elementwise_max(x, low), high);
    const reco_lanes n = (clamped * 1.44269504088896341f + round_shift) - round_shift;
    const reco_lanes r = (clamped - n * ln2_high) - n * ln2_low;
    const reco_lanes polynomial =
        ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
         + 1.6666665459e-1f) * r + 5.0000001201e-1f;
    const reco_lanes exp_r = polynomial * (r * r) + r + 1.0f;
    const reco_masks k = __builtin_convertvector(n, reco_masks);  // -127...128
    const reco_masks half = k >> 1;
    const reco_lanes scale_low = (reco_lanes)((half + 127) << 23), scale_high = (reco_lanes)((k - half + 127) << 23);
    const reco_lanes y = KEEP_WHERE(x >= smallest, exp_r * scale_low * scale_high);
    const reco_masks is_number = x == x;
    *result = (reco_lanes)(((reco_masks)y & is_number) | ((reco_masks)x & ~is_number));
}

RECO_CLONES
void reco_exp(const float *x, float *y, size_t count) {
    for (size_t j = 0; j < count; j += LANES) {
        reco_lanes block;
        load_block(&block, x + j, count - j, 0);
        exp_lanes(&block, &block);
        store_block(y + j, &block, count - j);
    }
}

// MARK: - The softmax pass

/// Running sums of one pass over a row, lane by lane, with d = z - max and e = exp(d):
/// total = sum e, weighted = sum e d, expected = sum e min(q1, q2) (soft kernels only).
typedef struct {
    reco_lanes total, weighted, expected;
} softmax_sums;

/// Adds a block of d = z - max; returns its exps in `e`.
RECO_INLINE void add_block(softmax_sums *sums, reco_lanes *e, const reco_lanes *shifted) {
    exp_lanes(e, shifted);
    sums->total += *e;
    sums->weighted += KEEP_WHERE(*e != 0, *e * *shifted);
}

/// What one softmax pass tells about a row: its maximum m, s = sum exp(z - m) and log s (so
/// log-sum-exp = m + log s and log p_j = (z_j - m) - log s), the entropy and E_p[min(q1, q2)].
typedef struct {
    float max, total, log_total, entropy, expected_q;
} softmax_row;

/// Entropy H = -sum p log p = log s - (sum e d) / s: both terms are non-negative (d <= 0), so nothing cancels.
RECO_INLINE softmax_row finish(float max, const softmax_sums *sums) {
    const float total = lane_sum(&sums->total), log_total = logf(total);
    return (softmax_row){max, total, log_total, log_total - lane_sum(&sums->weighted) / total,
                         lane_sum(&sums->expected) / total};
}

/// A max pass, then one fused exp pass over the row.
RECO_INLINE softmax_row softmax_of_row(const float *logits, size_t count) {
    const float m = reco_row_max(logits, count);
    softmax_sums sums = {{0}, {0}, {0}};
    for (size_t j = 0; j < count; j += LANES) {
        reco_lanes shifted, e;
        load_block(&shifted, logits + j, count - j, -__builtin_inff());
        shifted -= m;
        add_block(&sums, &e, &shifted);
    }
    return finish(m, &sums);
}

/// The smaller of the two Q-value blocks at column `j` (0 in padding lanes).
RECO_INLINE void smaller_q_block(reco_lanes *q, const float *q1, const float *q2, size_t j, size_t count) {
    reco_lanes other;
    load_block(q, q1 + j, count - j, 0);
    load_block(&other, q2 + j, count - j, 0);
    *q = __builtin_elementwise_min(*q, other);
}

/// A max pass, then one fused pass over the logits and both Q-value rows.
RECO_INLINE softmax_row soft_softmax_of_row(const float *logits, const float *q1, const float *q2, size_t count) {
    const float m = reco_row_max(logits, count);
    softmax_sums sums = {{0}, {0}, {0}};
    for (size_t j = 0; j < count; j += LANES) {
        reco_lanes shifted, e, q;
        load_block(&shifted, logits + j, count - j, -__builtin_inff());
        shifted -= m;
        smaller_q_block(&q, q1, q2, j, count);
        add_block(&sums, &e, &shifted);
        sums.expected += KEEP_WHERE(e != 0, e * q);
    }
    return finish(m, &sums);
}

// MARK: - A2C / PPO

RECO_CLONES
reco_categorical_row reco_categorical_statistics(const float *logits, size_t count, size_t action) {
    const softmax_row row = softmax_of_row(logits, count);
    return (reco_categorical_row){row.max + row.log_total, row.entropy, (logits[action] - row.max) - row.log_total};
}

RECO_CLONES
void reco_categorical_gradient(const float *logits, size_t count, float log_sum_exp, float entropy, size_t action,
                               float action_coefficient, float entropy_coefficient, float *gradient) {
    const reco_masks lane_columns = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const reco_lanes one = (reco_lanes){0} + 1.0f;
    for (size_t j = 0; j < count; j += LANES) {
        reco_lanes log_p, p;
        load_block(&log_p, logits + j, count - j, -__builtin_inff());
        log_p -= log_sum_exp;
        exp_lanes(&p, &log_p);
        const reco_lanes taken = KEEP_WHERE(lane_columns + (int32_t)j == (int32_t)action, one);
        const reco_lanes entropy_term = KEEP_WHERE(p != 0, p * (log_p + entropy));
        // c (1[j == a] - p) - e p (log p + H)
        const reco_lanes block = action_coefficient * (taken - p) - entropy_coefficient * entropy_term;
        store_block(gradient + j, &block, count - j);
    }
}

// MARK: - Discrete soft actor-critic

RECO_CLONES
reco_soft_row reco_soft_state_value(const float *logits, const float *q1, const float *q2, size_t count,
                                    float temperature) {
    const softmax_row row = soft_softmax_of_row(logits, q1, q2, count);
    return (reco_soft_row){row.expected_q + temperature * row.entropy, row.entropy};
}

RECO_CLONES
reco_soft_row reco_soft_actor_loss(const float *logits, const float *q1, const float *q2, size_t count,
                                   float temperature, float gradient_scale, float *gradient) {
    const softmax_row row = soft_softmax_of_row(logits, q1, q2, count);
    // L = sum p (temperature log p - q) = -temperature H - E[q].
    const float loss = -(temperature * row.entropy) - row.expected_q;
    for (size_t j = 0; j < count; j += LANES) {
        reco_lanes log_p, p, q;
        load_block(&log_p, logits + j, count - j, -__builtin_inff());
        log_p = (log_p - row.max) - row.log_total;
        exp_lanes(&p, &log_p);
        smaller_q_block(&q, q1, q2, j, count);
        const reco_lanes f = temperature * log_p - q;
        const reco_lanes block = KEEP_WHERE(p != 0, p * (f - loss) * gradient_scale);
        store_block(gradient + j, &block, count - j);
    }
    return (reco_soft_row){loss, row.entropy};
}

// MARK: - Sampling

/// Adds a block's exps `e` to `running`; returns the first lane at which `running` passes `target`, or
/// LANES when none does. The block total decides whether to look lane by lane, so most blocks cost one
/// fold. A lane with e = 0 adds nothing, so it is never the one returned.
RECO_INLINE size_t crossing_in_block(const reco_lanes *e, float target, float *running) {
    const float block = lane_sum(e);
    if (!(*running + block > target)) {
        *running += block;
        return LANES;
    }
    for (size_t lane = 0; lane < LANES; lane++) {
        *running += (*e)[lane];
        if (*running > target) return lane;
    }
    return LANES;  // rounding: added one by one, the block stayed at or below the target
}

/// The last column whose exp(z - m) is positive (0 when there is none: a row without a finite logit).
RECO_INLINE size_t last_positive(const float *logits, size_t count, float max) {
    for (size_t j = count; j-- > 0;) {
        reco_lanes e = (reco_lanes){0} + (logits[j] - max);
        exp_lanes(&e, &e);
        if (e[0] > 0) return j;
    }
    return 0;
}

RECO_CLONES
size_t reco_sample_categorical(const float *logits, size_t count, float uniform) {
    const softmax_row row = softmax_of_row(logits, count);
    const float target = uniform * row.total;
    float running = 0;
    for (size_t j = 0; j < count; j += LANES) {
        reco_lanes e;
        load_block(&e, logits + j, count - j, -__builtin_inff());
        e -= row.max;
        exp_lanes(&e, &e);
        const size_t lane = crossing_in_block(&e, target, &running);
        if (lane < LANES) return j + lane;
    }
    return last_positive(logits, count, row.max);
}
