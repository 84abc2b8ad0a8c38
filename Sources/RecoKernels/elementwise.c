#include "RecoKernels.h"
#include "reco_simd.h"

#pragma clang fp contract(off)

RECO_CLONES
void reco_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                      size_t count, reco_adam_constants c) {
    const float one_minus_b1 = 1 - c.beta1, one_minus_b2 = 1 - c.beta2;
    for (size_t i = 0; i < count; i++) {
        float gradient = g[i] + c.l2 * p[i];
        float mi = c.beta1 * m[i] + one_minus_b1 * gradient;
        float vi = c.beta2 * v[i] + one_minus_b2 * gradient * gradient;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * c.shrink - c.step_size * mi / (__builtin_elementwise_sqrt(vi) * c.inverse_root_correction2 + c.epsilon);
    }
}

RECO_CLONES
void reco_relu(const float *x, float *y, size_t count) {
    for (size_t i = 0; i < count; i++) {
        float value = x[i];
        y[i] = value > 0 ? value : 0;
    }
}

RECO_CLONES
void reco_relu_backward(const float *y, const float *dy, float *dx, size_t count) {
    for (size_t i = 0; i < count; i++) {
        float gradient = dy[i];
        dx[i] = y[i] > 0 ? gradient : 0;
    }
}

RECO_CLONES
void reco_add_bias(float *x, const float *restrict bias, size_t rows, size_t columns, size_t stride) {
    for (size_t r = 0; r < rows; r++) {
        float *restrict row = x + r * stride;
        for (size_t j = 0; j < columns; j++) row[j] += bias[j];
    }
}

RECO_CLONES
void reco_bias_gradient(const float *dy, float *restrict gradient, size_t rows, size_t columns, size_t stride,
                        int accumulate) {
    if (!accumulate) {
        for (size_t j = 0; j < columns; j++) gradient[j] = 0;
    }
    for (size_t r = 0; r < rows; r++) {
        const float *restrict row = dy + r * stride;
        for (size_t j = 0; j < columns; j++) gradient[j] += row[j];
    }
}
