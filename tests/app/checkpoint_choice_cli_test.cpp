// `--checkpoint last|best` of qmf eval, explain and export: best.qmf, the epoch best on the
// validation split, is loaded when asked for; asking for it where there is none is an error
// (exit 1) that names the file and says why.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/run.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::contains;

class CliCheckpointChoice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-cli-best");
    const fs::path dir = shared_->path();
    testing::write_fake_mnist(dir / "data", 200, 60);
    Config c = testing::small_config(dir / "data", 3);
    c.data.validation = 0.2;
    c.train.lr = 0.2;  // large steps: the last epoch is rarely the best one
    testing::QuietProgress progress;
    train::train_new(c, dir / "validated", progress);
    c.data.validation = 0;
    c.train.epochs = 1;
    train::train_new(c, dir / "plain", progress);
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  CommandResult exec_qmf(const std::vector<std::string>& args) const {
    CommandResult r = testing::run_qmf(args, shared_->path(), shared_->path() / "no-data");
    EXPECT_TRUE(r.exited) << r.describe();
    return r;
  }
  static fs::path dir() { return shared_->path(); }
  static inline data::TempDir* shared_ = nullptr;
};

TEST_F(CliCheckpointChoice, EvalExplainAndExportLoadTheBestCheckpoint) {
  const train::Checkpoint best = train::load_checkpoint(dir() / "validated" / "best.qmf");
  ASSERT_GE(best.epochs_done, 1);
  const CommandResult eval = exec_qmf({"eval", "--run", "validated", "--checkpoint", "best"});
  ASSERT_EQ(eval.code, 0) << eval.describe();
  EXPECT_TRUE(contains(eval.out, "(after " + std::to_string(best.epochs_done) + " epochs)"))
      << eval.describe();
  const CommandResult last = exec_qmf({"eval", "--run", "validated", "--checkpoint", "last"});
  ASSERT_EQ(last.code, 0) << last.describe();
  EXPECT_TRUE(contains(last.out, "(after 3 epochs)")) << last.describe();

  const CommandResult qasm =
      exec_qmf({"export", "--run", "validated", "--sample", "1", "--checkpoint", "best"});
  ASSERT_EQ(qasm.code, 0) << qasm.describe();
  EXPECT_TRUE(qasm.out.starts_with("OPENQASM 3.0;")) << qasm.out;

  const CommandResult explain = exec_qmf({"explain", "--run", "validated", "--checkpoint", "best",
                                          "--set", "data.test_limit=8", "--out", "explain-best"});
  ASSERT_EQ(explain.code, 0) << explain.describe();
  EXPECT_TRUE(fs::exists(dir() / "explain-best")) << explain.describe();
}

TEST_F(CliCheckpointChoice, BestOfARunWithoutValidationIsAnErrorNamingTheFile) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"eval", "--run", "plain", "--checkpoint", "best"},
        {"export", "--run", "plain", "--sample", "0", "--checkpoint", "best"},
        {"explain", "--run", "plain", "--checkpoint", "best"}}) {
    const CommandResult r = exec_qmf(args);
    EXPECT_EQ(r.code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, (fs::path("plain") / "best.qmf").string())) << r.describe();
    EXPECT_TRUE(contains(r.err, "no validation split")) << r.describe();
  }
  const CommandResult bad = exec_qmf({"eval", "--run", "plain", "--checkpoint", "first"});
  EXPECT_EQ(bad.code, 2) << bad.describe();
}

}  // namespace
}  // namespace qmf
