// How qmf knows a launcher started it (dist/launch.h): from the environment mpirun or srun
// gives each process. A plain start has none of it, and then qmf never initialises MPI.
#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "dist/communicator.h"
#include "dist/launch.h"

namespace qmf::dist {
namespace {

// Sets (or, with nullopt, removes) one variable for the life of the object.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~EnvVar() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

struct NoLauncher {
  EnvVar a{"OMPI_COMM_WORLD_SIZE", std::nullopt}, b{"PMIX_RANK", std::nullopt},
      c{"PMI_RANK", std::nullopt}, d{"PMI_SIZE", std::nullopt};
};

TEST(Launcher, APlainStartIsNoJob) {
  const NoLauncher none;
  EXPECT_FALSE(detail::started_by_launcher());
  EXPECT_EQ(detail::launcher_job_size(), 0);
  const Launch launch;  // initialises nothing
  EXPECT_EQ(world().size(), 1);
}

TEST(Launcher, OpenMpiSlurmAndHydraAreRecognised) {
  {
    const NoLauncher none;
    const EnvVar size("OMPI_COMM_WORLD_SIZE", "4");
    EXPECT_TRUE(detail::started_by_launcher());
    EXPECT_EQ(detail::launcher_job_size(), 4);
  }
  {
    const NoLauncher none;
    const EnvVar rank("PMIX_RANK", "3");  // srun --mpi=pmix: no size in the environment
    EXPECT_TRUE(detail::started_by_launcher());
    EXPECT_EQ(detail::launcher_job_size(), 0);
  }
  {
    const NoLauncher none;
    const EnvVar rank("PMI_RANK", "1"), size("PMI_SIZE", "8");
    EXPECT_TRUE(detail::started_by_launcher());
    EXPECT_EQ(detail::launcher_job_size(), 8);
  }
  {
    const NoLauncher none;
    const EnvVar size("OMPI_COMM_WORLD_SIZE", "4x");  // not a number: size unknown
    EXPECT_EQ(detail::launcher_job_size(), 0);
  }
}

}  // namespace
}  // namespace qmf::dist
