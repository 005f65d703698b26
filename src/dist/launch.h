#pragma once
// Joining the job a launcher started. `qmf` makes one Launch first thing in main: started by
// mpirun or srun (their environment says so: OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK), it
// initialises MPI and world() becomes the MPI world until the Launch ends; started any other
// way, it does nothing and qmf is one process, so a plain `qmf train` never touches MPI.
//
// A qmf built without MPI (no libopenmpi-dev at build time) that a launcher starts as one of
// several processes refuses to run: each would train the whole run into the same directory.
namespace qmf::dist {

class Launch {
 public:
  Launch();   // throws UsageError for the case above
  ~Launch();  // finalises MPI when it initialised it
  Launch(const Launch&) = delete;
  Launch& operator=(const Launch&) = delete;
};

// True when this qmf was built with MPI.
bool built_with_mpi();

namespace detail {
// Set by a launcher: the process is one of a job's.
bool started_by_launcher();
// The job's size as the launcher's environment gives it; 0 when it does not say.
int launcher_job_size();
}  // namespace detail

}  // namespace qmf::dist
