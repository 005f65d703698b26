// `qmf export` at the edges: --out - and /dev/null, missing parent directories on a failure,
// an overflowing --sample, and a qmfnn run of the evidential fusion.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "support/trained_runs.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;
using qmf::testing::file_names;

class ExportEdges : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-export-edges");
    qmf::testing::write_data_and_runs(shared_->path(), {"qmfnn"}, 100, 20);
    qmf::testing::write_evidential_run(shared_->path());
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  // Runs qmf in a fresh working directory; the runs are reached by absolute paths.
  CommandResult exec_qmf(const std::vector<std::string>& args) const {
    CommandResult r = qmf::testing::run_qmf(args, cwd_.path(), cwd_.path() / "no-data-here");
    EXPECT_TRUE(r.exited) << r.describe();
    return r;
  }
  static std::string run(const char* kind) { return (shared_->path() / kind).string(); }

  static inline data::TempDir* shared_ = nullptr;
  data::TempDir cwd_{"qmf-export-edges-cwd"};
};

TEST_F(ExportEdges, OutDashIsStandardOutput) {
  const CommandResult r =
      exec_qmf({"export", "--run", run("qmfnn"), "--sample", "1", "--out", "-"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(r.out.starts_with("OPENQASM 3.0;")) << r.out;
  EXPECT_TRUE(file_names(cwd_.path()).empty());  // no file named "-"
}

TEST_F(ExportEdges, OutDevNullIsWrittenIntoNotReplaced) {
  const CommandResult r =
      exec_qmf({"export", "--run", run("qmfnn"), "--sample", "1", "--out", "/dev/null"});
  ASSERT_EQ(r.code, 0) << r.describe();
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// The parents of --out are made only to write the file: an export that fails first (a sample
// out of range) or an --out naming a directory leaves no directory behind.
TEST_F(ExportEdges, AFailedExportLeavesNoNewDirectory) {
  const CommandResult range =
      exec_qmf({"export", "--run", run("qmfnn"), "--sample", "999", "--out", "newdir/sub/s.qasm"});
  EXPECT_EQ(range.code, 2) << range.describe();
  const CommandResult slash =
      exec_qmf({"export", "--run", run("qmfnn"), "--sample", "1", "--out", "newdir/"});
  EXPECT_EQ(slash.code, 2) << slash.describe();
  EXPECT_TRUE(contains(slash.err, "--out newdir/: names a directory")) << slash.describe();
  EXPECT_TRUE(file_names(cwd_.path()).empty());
  const CommandResult ok =
      exec_qmf({"export", "--run", run("qmfnn"), "--sample", "1", "--out", "newdir/sub/s.qasm"});
  ASSERT_EQ(ok.code, 0) << ok.describe();
  EXPECT_TRUE(fs::is_regular_file(cwd_.path() / "newdir" / "sub" / "s.qasm"));
}

TEST_F(ExportEdges, AnOverflowingSampleIsEchoedAsTyped) {
  const CommandResult big =
      exec_qmf({"export", "--run", run("qmfnn"), "--sample", "18446744073709551616"});
  EXPECT_EQ(big.code, 2) << big.describe();
  EXPECT_TRUE(contains(big.err, "--sample 18446744073709551616: the test split")) << big.describe();
  EXPECT_FALSE(contains(big.err, "9223372036854775807")) << big.describe();
  const CommandResult text = exec_qmf({"export", "--run", run("qmfnn"), "--sample", "1e3"});
  EXPECT_EQ(text.code, 2) << text.describe();
  EXPECT_TRUE(contains(text.err, "--sample 1e3: expected the index")) << text.describe();
}

TEST_F(ExportEdges, AnEvidentialRunIsRefusedByItsConfigNames) {
  const CommandResult r = exec_qmf({"export", "--run", run("evidential"), "--sample", "0"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err,
                       "qmf export needs a qmfnn model with model.fusion = entangle; the "
                       "run in " +
                           run("evidential") +
                           " is model.kind = qmfnn with model.fusion = evidential"))
      << r.describe();
}

}  // namespace
}  // namespace qmf
