// Launch for a qmf built without MPI (src/CMakeLists.txt compiles this file or launch_mpi.cpp).
#include <cstdlib>

#include <fmt/format.h>

#include "core/error.h"
#include "dist/launch.h"

namespace qmf::dist {

bool built_with_mpi() { return false; }

Launch::Launch() {
  if (!detail::started_by_launcher()) return;
  const int size = detail::launcher_job_size();
  const char* pmix_rank = std::getenv("PMIX_RANK");
  const bool alone =
      size == 1 || (size == 0 && pmix_rank != nullptr && std::string_view(pmix_rank) == "0" &&
                    std::getenv("PMI_RANK") == nullptr);
  if (alone) return;
  throw UsageError(fmt::format(
      "this qmf was built without MPI, but a launcher (mpirun or srun) started it as one of {} "
      "processes, each of which would train the whole job into the same place; build qmf with "
      "MPI (install libopenmpi-dev, then scripts/build.sh) or run it without the launcher",
      size > 0 ? fmt::format("{}", size) : std::string("several")));
}

Launch::~Launch() = default;

}  // namespace qmf::dist
