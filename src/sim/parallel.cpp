#include "sim/parallel.h"

#include <omp.h>

#include "core/error.h"

namespace qmf::sim {

int available_threads() { return omp_get_num_procs(); }

ParallelFor::ParallelFor(int threads) : threads_(threads == 0 ? available_threads() : threads) {
  if (threads < 0) throw UsageError(fmt::format("threads must be >= 0 (0 = all), got {}", threads));
}

}  // namespace qmf::sim
