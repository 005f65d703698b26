#include "core/parallel.h"

#include <omp.h>
#include <unistd.h>

#include <Eigen/Core>
#include <cstdlib>

#include "core/error.h"

namespace qmf {

int available_threads() { return omp_get_num_procs(); }

void use_threads(int threads) {
  if (threads < 0) throw UsageError(fmt::format("threads must be >= 0 (0 = all), got {}", threads));
  Eigen::setNbThreads(1);
}

void reexec_with_passive_waiting(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr)
    return;  // the user's choice, or this is the re-executed program
  if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  execv("/proc/self/exe", argv);
}

ParallelFor::ParallelFor(int threads) : threads_(threads == 0 ? available_threads() : threads) {
  if (threads < 0) throw UsageError(fmt::format("threads must be >= 0 (0 = all), got {}", threads));
}

}  // namespace qmf
