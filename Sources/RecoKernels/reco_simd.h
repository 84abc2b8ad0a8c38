// Definitions shared by the kernel sources (private to RecoKernels: not part of the public module header
// under include/).
#ifndef RECO_SIMD_H
#define RECO_SIMD_H

/// Compiles a function for AVX-512, AVX2 and baseline x86-64; the loader picks the best the CPU supports.
/// Swift library targets cannot pass CPU flags to the compiler; `target_clones` needs none.
#define RECO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/// Sixteen float lanes (64 bytes): one AVX-512 register, two AVX2 registers, four SSE registers.
typedef float reco_lanes __attribute__((vector_size(64)));

#endif
