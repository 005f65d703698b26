#pragma once
// `mpirun -np N qmf ...` for the tests of MPI jobs: started by argument vector (no shell) in its
// own process group, its output in a log file, and waited for with a deadline, so that a job
// that hangs fails its test instead of the suite. As root, OpenMPI needs its allow-run-as-root
// settings; on a machine of two cores, --oversubscribe lets a test start more ranks than cores.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/spawn_qmf.h"
#include "support/train_support.h"

namespace qmf::testing {

// One group of ranks of an MPMD job: `ranks` processes running `qmf args...` with QMF_DATA set.
struct RankGroup {
  int ranks = 1;
  std::filesystem::path data_dir;
  std::vector<std::string> args;
};

// The command line of a job of several groups (mpirun's "A : B" form), each rank in `cwd`.
inline std::vector<std::string> mpirun_argv(const std::vector<RankGroup>& groups,
                                            const std::filesystem::path& cwd) {
  std::vector<std::string> argv{"mpirun", "--oversubscribe"};
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) argv.emplace_back(":");
    argv.insert(argv.end(),
                {"-np", std::to_string(groups[g].ranks), "-wdir", cwd.string(), "-x",
                 "QMF_DATA=" + groups[g].data_dir.string(), "-x", "OMP_WAIT_POLICY=PASSIVE"});
    // What OpenMPI allocates in MPI_Init outlives MPI_Finalize: not leaks of ours, and named by
    // tests/support/openmpi.supp once its plugins stay loaded and stacks are unwound fully.
    argv.insert(argv.end(), {"-x", "OMPI_MCA_mca_base_component_disable_dlclose=1", "-x",
                             "PMIX_MCA_mca_base_component_disable_dlclose=1", "-x",
                             std::string("LSAN_OPTIONS=fast_unwind_on_malloc=0:suppressions=") +
                                 QMF_SOURCE_DIR + "/tests/support/openmpi.supp"});
    argv.emplace_back(QMF_BINARY);
    argv.insert(argv.end(), groups[g].args.begin(), groups[g].args.end());
  }
  return argv;
}

class MpiJob {
 public:
  // Starts the job in `cwd`, its stdout and stderr into `log`.
  MpiJob(const std::vector<RankGroup>& groups, const std::filesystem::path& cwd,
         const std::filesystem::path& log)
      : log_(log) {
    // Containers often forbid the cross-memory attach OpenMPI's shared-memory transport tries
    // first; copying through shared memory works everywhere.
    std::vector<std::string> env{"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                 "OMPI_MCA_btl_vader_single_copy_mechanism=none"};
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    pid_ = spawn_logged(mpirun_argv(groups, cwd), std::move(env), log, /*own_group=*/true);
  }
  ~MpiJob() {
    if (!ended_) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  pid_t pid() const { return pid_; }

  // How the job ended; `hung` when it was still running at the deadline (then killed).
  struct End {
    bool hung = false;
    Ending ending;
    std::string log;
  };
  End wait(std::chrono::seconds deadline = std::chrono::seconds(180)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    End end;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        end.hung = true;
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ended_ = true;
    end.ending = ending_of(status);
    end.log = slurp(log_);
    return end;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  bool ended_ = false;
};

// Runs the job to its end.
inline MpiJob::End run_mpi(const std::vector<RankGroup>& groups, const std::filesystem::path& cwd) {
  const std::filesystem::path log = cwd / ".mpirun.log";
  std::filesystem::remove(log);
  MpiJob job(groups, cwd, log);
  return job.wait();
}

// The pid of rank `rank` of the job whose ranks have QMF_DATA=data_dir, or -1: read from the
// environment MPI gives each rank (OMPI_COMM_WORLD_RANK).
inline pid_t rank_pid(int rank, const std::filesystem::path& data_dir) {
  const std::string want_rank = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  const std::string want_data = "QMF_DATA=" + data_dir.string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string env = slurp(entry.path() / "environ");
    bool rank_ok = false, data_ok = false;
    for (size_t at = 0; at < env.size();) {
      const size_t end = env.find('\0', at);
      const std::string var = env.substr(at, end - at);
      rank_ok = rank_ok || var == want_rank;
      data_ok = data_ok || var == want_data;
      if (end == std::string::npos) break;
      at = end + 1;
    }
    if (rank_ok && data_ok) return static_cast<pid_t>(std::stoi(name));
  }
  return -1;
}

}  // namespace qmf::testing
