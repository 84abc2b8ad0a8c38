// Hot elementwise kernels of the RecoRL engine, in C so each is compiled for several instruction sets
// (AVX-512, AVX2, baseline x86-64) and the best one the CPU supports is chosen when the library loads.
// Swift library targets cannot pass CPU flags to the compiler; `target_clones` needs none.
//
// Floating-point contraction is off, so every variant rounds exactly like the plain Swift reference
// loops the tests compare them with.
#ifndef RECO_KERNELS_H
#define RECO_KERNELS_H

#include <stddef.h>

/// Scalars of one Adam/AdamW step (see Adam.swift for the formula).
typedef struct {
    float beta1, beta2, epsilon, step_size, inverse_root_correction2, l2, shrink;
} reco_adam_constants;

/// One fused Adam/AdamW update of `count` parameters `p` from gradients `g`, moments `m` and `v`.
void reco_adam_update(float *p, const float *g, float *m, float *v, size_t count, reco_adam_constants c);

/// y[i] = max(x[i], 0) over `count` elements (x may equal y).
void reco_relu(const float *x, float *y, size_t count);

/// dx[i] = y[i] > 0 ? dy[i] : 0 over `count` elements (dx may equal dy).
void reco_relu_backward(const float *y, const float *dy, float *dx, size_t count);

/// x[r * stride + j] += bias[j] for r < rows, j < columns.
void reco_add_bias(float *x, const float *bias, size_t rows, size_t columns, size_t stride);

/// gradient[j] (+)= sum over r of dy[r * stride + j]; overwrites when `accumulate` is 0.
void reco_bias_gradient(const float *dy, float *gradient, size_t rows, size_t columns, size_t stride, int accumulate);

#include <stdint.h>

/// destination[i * destination_stride + j] = source[rows[i] * source_stride + j] for i < count, j < columns:
/// copies `count` rows chosen by index (repeats allowed), prefetching a few rows ahead of the copy.
void reco_gather_rows(const float *source, size_t source_stride, const int64_t *rows, size_t count,
                      size_t columns, float *destination, size_t destination_stride);

/// The largest value of `count` floats at `row` (NaN skipped; -infinity when there is none).
float reco_row_max(const float *row, size_t count);

/// The first index of the largest value of `count` floats at `row` (NaN skipped; 0 when every value is NaN).
size_t reco_row_argmax(const float *row, size_t count);

/// The sum of the squares of `count` floats, accumulated in sixteen float lanes over blocks of 4096 and in
/// double across blocks (fast, and accurate enough for a gradient norm). The order of operations is fixed.
double reco_sum_of_squares(const float *values, size_t count);

// Categorical (softmax) policies, one row of `count` logits per call (categorical.c). Probabilities are
// p_j = exp(z_j - lse); entries of probability 0 (logit -inf) contribute nothing (p log p counts as 0).
// A row needs at least one finite logit; otherwise the results are NaN.

/// y[i] = e^x[i] over `count` floats (x may equal y): the vectorised exp the categorical kernels use.
/// Within a few ulp; exactly 0 below ln(FLT_MIN) ~ -87.34 and for -inf, +inf above ~88.72, NaN stays NaN.
void reco_exp(const float *x, float *y, size_t count);

/// Per-row results of `reco_categorical_statistics`.
typedef struct {
    float log_sum_exp, entropy, action_log_probability;
} reco_categorical_row;

/// log-sum-exp, entropy -sum p log p and log p(action) of one row (action < count): a max pass and one fused
/// exp pass.
reco_categorical_row reco_categorical_statistics(const float *logits, size_t count, size_t action);

/// gradient[j] = action_coefficient * (1[j == action] - p_j) - entropy_coefficient * p_j (log p_j + entropy), the
/// gradient of c log p(action) + e H, given the row's log-sum-exp and entropy. One pass; `gradient` may equal `logits`.
void reco_categorical_gradient(const float *logits, size_t count, float log_sum_exp, float entropy, size_t action,
                               float action_coefficient, float entropy_coefficient, float *gradient);

/// Per-row results of the discrete soft actor-critic kernels: a value (or loss) and the entropy.
typedef struct {
    float value, entropy;
} reco_soft_row;

/// Soft state value sum_j p_j (min(q1_j, q2_j) - temperature log p_j) and entropy of one row: a max pass and
/// one fused pass over logits, q1 and q2.
reco_soft_row reco_soft_state_value(const float *logits, const float *q1, const float *q2, size_t count,
                                    float temperature);

/// Actor loss L = sum_j p_j f_j with f_j = temperature log p_j - min(q1_j, q2_j), the entropy, and
/// gradient[j] = gradient_scale * p_j (f_j - L) (the gradient of gradient_scale * L): the passes of
/// `reco_soft_state_value` and one gradient pass. `gradient` may equal `logits`.
reco_soft_row reco_soft_actor_loss(const float *logits, const float *q1, const float *q2, size_t count,
                                   float temperature, float gradient_scale, float *gradient);

/// The smallest j whose cumulative probability exceeds `uniform` (in [0, 1)); never a column of probability 0;
/// the last column of positive probability when rounding leaves the cumulative sum below `uniform`.
size_t reco_sample_categorical(const float *logits, size_t count, float uniform);

#endif
