// StagedDir: outputs appear complete or not at all, replacing an older copy.
#include "core/staged_dir.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(StagedDir, CommitCreatesTheTargetAndLeavesNothingElse) {
  data::TempDir tmp("qmf-staged");
  const fs::path target = tmp.path() / "nested" / "out";
  {
    StagedDir staged(target);
    EXPECT_EQ(staged.path().parent_path(), target.parent_path());
    write(staged.path() / "a.txt", "new");
    EXPECT_FALSE(fs::exists(target));  // nothing visible before the commit
    staged.commit();
  }
  EXPECT_EQ(qmf::testing::slurp(target / "a.txt"), "new");
  EXPECT_EQ(qmf::testing::file_names(target.parent_path()), std::vector<std::string>{"out"});
}

TEST(StagedDir, CommitReplacesAnOlderCopyWhole) {
  data::TempDir tmp("qmf-staged");
  const fs::path target = tmp.path() / "out";
  fs::create_directories(target / "sub");
  write(target / "stale.txt", "old");
  write(target / "sub" / "a.txt", "old");
  StagedDir staged(target);
  write(staged.path() / "a.txt", "new");
  staged.commit();
  EXPECT_EQ(qmf::testing::file_names(target), std::vector<std::string>{"a.txt"});
  EXPECT_EQ(qmf::testing::slurp(target / "a.txt"), "new");
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), std::vector<std::string>{"out"});
}

TEST(StagedDir, WithoutACommitTheOlderCopyStaysAndTheStagingGoes) {
  data::TempDir tmp("qmf-staged");
  const fs::path target = tmp.path() / "out";
  fs::create_directories(target);
  write(target / "a.txt", "old");
  try {
    StagedDir staged(target);
    write(staged.path() / "a.txt", "half");
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(qmf::testing::slurp(target / "a.txt"), "old");
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), std::vector<std::string>{"out"});
}

}  // namespace
}  // namespace qmf
