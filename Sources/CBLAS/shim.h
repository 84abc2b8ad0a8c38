// OpenBLAS's CBLAS interface (with its openblas_* controls) and the LAPACKE C interface to LAPACK.
// Debian: libopenblas-dev provides cblas.h, liblapacke-dev provides lapacke.h.
#include <cblas.h>
#include <lapacke.h>
