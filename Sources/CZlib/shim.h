// zlib's gzip file interface (gzopen, gzread, gzwrite). Debian: zlib1g-dev provides zlib.h.
#include <zlib.h>
