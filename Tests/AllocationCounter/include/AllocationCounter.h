#ifndef RECO_ALLOCATION_COUNTER_H
#define RECO_ALLOCATION_COUNTER_H

/// Heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc) made by the calling
/// thread since it last called `reco_allocations_reset`. Counted by wrappers of those functions that
/// this test-only library defines, which take precedence over the C library's in the test executable.
long reco_allocations_on_this_thread(void);

/// Starts counting the calling thread's allocations from zero.
void reco_allocations_reset(void);

#endif
