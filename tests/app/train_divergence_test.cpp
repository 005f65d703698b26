// A diverging run through the command line: plain SGD with an absurd learning rate on a
// classical model overflows within a few steps. qmf must stop with exit code 1, name the epoch,
// the step and the first parameter block with a non-finite gradient (or the loss), and leave the
// last good checkpoint as it was.
#include <cmath>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/checkpoint.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

TEST(TrainDivergence, StopsNamingWhereAndKeepsTheLastGoodCheckpoint) {
  data::TempDir tmp("qmf-diverge");
  testing::write_fake_mnist(tmp.path() / "data");
  const fs::path run = tmp.path() / "run";
  // Step 1 is finite but moves the weights to ~1e199; step 2's logits overflow to inf.
  const testing::CommandResult r =
      testing::run_qmf({"train", "--out", run.string(), "--set", "data.classes=[0,1,2,3]", "--set",
                        "model.kind=early", "--set", "model.hidden=[16]", "--set",
                        "train.optimizer=sgd", "--set", "train.lr=1e200", "--set", "train.batch=16",
                        "--set", "train.threads=1", "--set", "train.checkpoint_every=1"},
                       tmp.path(), tmp.path() / "data");
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 1) << r.describe();

  std::smatch m;
  const std::regex where(R"(training diverged at epoch 1, step (\d+): (.*))");
  ASSERT_TRUE(std::regex_search(r.err, m, where)) << r.describe();
  const int step = std::stoi(m[1].str());
  const std::string what = m[2].str();
  ASSERT_GE(step, 2) << "diverged on the first step: no checkpoint to keep\n" << r.describe();

  const train::Checkpoint last = train::load_checkpoint(run / "checkpoint.qmf");
  // The named block is one of the model's, or the message blames the loss itself.
  bool names_a_block = false;
  for (const auto& b : last.blocks)
    names_a_block |= what.find("parameter block " + b.name + " ") != std::string::npos;
  EXPECT_TRUE(names_a_block || what.find("the loss itself") != std::string::npos) << what;

  // The checkpoint is the state after the last good step, all finite, and nothing later.
  EXPECT_EQ(last.epochs_done, 0);
  EXPECT_EQ(last.partial.steps, static_cast<uint64_t>(step - 1));
  for (const double v : last.values) ASSERT_TRUE(std::isfinite(v));
  EXPECT_FALSE(fs::exists(run / "metrics.csv"));
  EXPECT_FALSE(fs::exists(run / "summary.json"));

  // Resuming from it replays the same bad step: it is exactly the state before that step.
  const std::string before = testing::slurp(run / "checkpoint.qmf");
  const testing::CommandResult again =
      testing::run_qmf({"train", "--resume", run.string()}, tmp.path(), tmp.path() / "data");
  EXPECT_EQ(again.code, 1) << again.describe();
  EXPECT_NE(again.err.find(m[0].str()), std::string::npos) << again.describe();
  EXPECT_EQ(testing::slurp(run / "checkpoint.qmf"), before);
}

}  // namespace
}  // namespace qmf
