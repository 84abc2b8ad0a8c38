#include "RecoKernels.h"
#include "reco_simd.h"

#pragma clang fp contract(off)

// Row reductions over the action dimension (Q-value maxima for Bellman targets, greedy actions).
// Sixteen lanes of independent running maxima let the compiler keep a vector register busy; a plain
// `m = max(m, x)` chain is one long dependency and does not vectorise without fast-math.

RECO_CLONES
float reco_row_max(const float *row, size_t count) {
    const float lowest = -__builtin_inff();
    reco_lanes best = {lowest, lowest, lowest, lowest, lowest, lowest, lowest, lowest,
                       lowest, lowest, lowest, lowest, lowest, lowest, lowest, lowest};
    size_t j = 0;
    for (; j + 16 <= count; j += 16) {
        reco_lanes values;
        __builtin_memcpy(&values, row + j, sizeof values);
        // maxNum semantics: a NaN operand yields the other one, so NaN never wins.
        best = __builtin_elementwise_max(values, best);
    }
    float result = lowest;
    for (int lane = 0; lane < 16; lane++) result = best[lane] > result ? best[lane] : result;
    for (; j < count; j++) result = row[j] > result ? row[j] : result;
    return result;
}

RECO_CLONES
size_t reco_row_argmax(const float *row, size_t count) {
    const float best = reco_row_max(row, count);
    const reco_lanes target = {best, best, best, best, best, best, best, best,
                               best, best, best, best, best, best, best, best};
    size_t j = 0;
    for (; j + 16 <= count; j += 16) {
        reco_lanes values;
        __builtin_memcpy(&values, row + j, sizeof values);
        if (__builtin_reduce_or(values == target)) break;  // the first block holding the maximum
    }
    for (; j < count; j++) {
        if (row[j] == best) return j;
    }
    return 0;  // every value is NaN
}

RECO_CLONES
double reco_sum_of_squares(const float *values, size_t count) {
    double total = 0;
    size_t start = 0;
    while (start < count) {
        const size_t end = count - start > 4096 ? start + 4096 : count;
        reco_lanes block = {0};
        size_t j = start;
        for (; j + 16 <= end; j += 16) {
            reco_lanes v;
            __builtin_memcpy(&v, values + j, sizeof v);
            block += v * v;
        }
        float partial = 0;
        for (int lane = 0; lane < 16; lane++) partial += block[lane];
        for (; j < end; j++) partial += values[j] * values[j];
        total += partial;
        start = end;
    }
    return total;
}
