// StagedDir at the edges: leftovers of killed writers, the committed directory's mode, and a
// working directory deeper than PATH_MAX.
#include <limits.h>  // PATH_MAX
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/staged_dir.h"
#include "data/fetch/temp_dir.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::file_names;

// The pid of a child that has exited and been reaped: no process has it (until reused).
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

// Directory `name` in `dir` with a half-written file in it, as a killed writer leaves it.
void leftover(const fs::path& dir, const std::string& name) {
  fs::create_directories(dir / name);
  std::ofstream(dir / name / "half.json") << "{";
}

TEST(StagedDirEdges, LeftoversOfDeadWritersGoAndLiveOnesStay) {
  data::TempDir tmp("qmf-staged-edges");
  const pid_t dead = dead_pid(), live = ::getppid();
  const std::string d = std::to_string(dead), l = std::to_string(live);
  leftover(tmp.path(), ".explain.partial-" + d + "-0");
  leftover(tmp.path(), ".explain.old-" + d + "-3");
  leftover(tmp.path(), ".explain.partial-" + l + "-0");  // its writer is still at work
  leftover(tmp.path(), ".other.partial-" + d + "-0");    // another target's
  leftover(tmp.path(), ".explain.partial-XYZ123");       // no pid: not provably abandoned
  {
    StagedDir staged(tmp.path() / "explain");
    staged.commit();
  }
  EXPECT_EQ(file_names(tmp.path()),
            (std::vector<std::string>{".explain.partial-" + l + "-0", ".explain.partial-XYZ123",
                                      ".other.partial-" + d + "-0", "explain"}));
}

TEST(StagedDirEdges, TheStagingNameCarriesThePid) {
  data::TempDir tmp("qmf-staged-edges");
  StagedDir staged(tmp.path() / "out");
  const std::string prefix = ".out.partial-" + std::to_string(::getpid()) + "-";
  EXPECT_TRUE(staged.path().filename().string().starts_with(prefix)) << staged.path();
}

// Restores the process umask on scope exit.
struct UmaskGuard {
  explicit UmaskGuard(mode_t mask) : old(::umask(mask)) {}
  ~UmaskGuard() { ::umask(old); }
  mode_t old;
};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(StagedDirEdges, TheCommittedDirectoryHasTheModeOfANewDirectory) {
  data::TempDir tmp("qmf-staged-edges");
  for (const auto& [mask, expected] : {std::pair<mode_t, mode_t>{022, 0755}, {002, 0775}}) {
    const UmaskGuard guard(mask);
    const fs::path target = tmp.path() / ("out" + std::to_string(expected));
    StagedDir staged(target);
    staged.commit();
    EXPECT_EQ(mode_of(target), expected) << std::oct << mode_of(target);
  }
}

// In a child process (the working directory is process-wide): descends through directories
// with 200-character names until the working directory's absolute path is longer than PATH_MAX,
// stages and commits there, then removes the tree level by level. Exits 0 when all went well.
int stage_in_a_deep_directory(const fs::path& top) {
  if (::chdir(top.c_str()) != 0) return 10;
  const std::string name(200, 'd');
  size_t depth = 0;
  for (size_t length = top.string().size(); length <= PATH_MAX + 200; length += name.size() + 1) {
    if (::mkdir(name.c_str(), 0755) != 0 || ::chdir(name.c_str()) != 0) return 11;
    ++depth;
  }
  int code = 0;
  try {
    StagedDir staged("out/explain");
    std::ofstream(staged.path() / "explain.json") << "{}";
    staged.commit();
    if (!fs::exists("out/explain/explain.json")) code = 12;
    if (file_names("out") != std::vector<std::string>{"explain"}) code = 13;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    code = 14;
  }
  std::error_code ec;
  fs::remove_all("out", ec);
  for (; depth > 0; --depth)
    if (::chdir("..") != 0 || ::rmdir(name.c_str()) != 0) return 15;
  return code;
}

TEST(StagedDirEdges, WorksInAWorkingDirectoryDeeperThanPathMax) {
  data::TempDir tmp("qmf-staged-edges");
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(stage_in_a_deep_directory(tmp.path()));
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
}  // namespace qmf
