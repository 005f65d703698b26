// Ctrl-C and kill of `qmf train` (run.h, "Stopping"): the run saves a checkpoint at the step it
// had reached, says where it stopped and how to continue, leaves no temporary or lock file, and
// resumed from there ends exactly as an uninterrupted run. `qmf eval` of such a mid-epoch
// checkpoint says how far into the epoch it is.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/interrupt.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "support/spawn_qmf.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/run.h"
#include "train/run_record.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using testing::contains;

class TrainInterrupt : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-interrupt-data");
    testing::write_fake_mnist(data_->path(), 200, 40);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static fs::path data_dir() { return data_->path(); }

  // Four classes (80 samples), batch 8: ten steps an epoch, a few milliseconds each.
  fs::path config_file() const {
    Config c = testing::small_config(data_dir(), 1);
    c.model.k = {2};
    c.train.batch = 8;
    const fs::path file = tmp_.path() / "config.toml";
    testing::write_text(file, to_toml(c));
    return file;
  }
  std::vector<std::string> train(const fs::path& out, int epochs) const {
    return {"train",
            "--config",
            config_file().string(),
            "--out",
            out.string(),
            "--set",
            fmt::format("train.epochs={}", epochs)};
  }

  static inline data::TempDir* data_ = nullptr;
  data::TempDir tmp_{"qmf-interrupt"};
};

// Waits until the log shows training under way (the model line comes just before the first
// epoch), then sends `signal`; returns how the process ended.
testing::Ending signal_once_training(pid_t pid, const fs::path& log, int signal) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!contains(testing::slurp(log), "params")) {
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(pid, signal);
  return testing::wait_for(pid);
}

TEST_P(TrainInterrupt, StopsAtAStepItSavesAndResumesToTheUninterruptedRun) {
  const int signal = GetParam();
  const fs::path run = tmp_.path() / "run", log = tmp_.path() / "qmf.log";
  // Far more epochs than can pass before the signal: the run is stopped, not finished.
  const testing::Ending ended =
      signal_once_training(testing::spawn_qmf(train(run, 100000), data_dir(), log), log, signal);
  const std::string said = testing::slurp(log);
  ASSERT_TRUE(ended.exited) << said;
  EXPECT_EQ(ended.code, 128 + signal) << said;  // as a shell reports a signalled command
  EXPECT_TRUE(contains(said, "stopped by " + signal_name(signal))) << said;
  EXPECT_TRUE(contains(said, "continue with: qmf train --resume " + run.string())) << said;

  const train::Checkpoint ckpt = train::load_checkpoint(run / "checkpoint.qmf");
  const std::string where = ckpt.partial.steps > 0
                                ? fmt::format("in epoch {} of 100000 after step {}",
                                              ckpt.epochs_done + 1, ckpt.partial.steps)
                                : fmt::format("after epoch {} of 100000", ckpt.epochs_done);
  EXPECT_TRUE(contains(said, where)) << where << " not in:\n" << said;
  // No temporary and no lock file: only the run's files.
  EXPECT_EQ(testing::file_names(run),
            (std::vector<std::string>{"checkpoint.qmf", "config.toml", "metrics.csv"}));

  // Resumed to two epochs past the one it stopped in, it is the run trained that long at once:
  // what an epoch computes does not depend on how many follow it.
  const int epochs = ckpt.epochs_done + 2;
  const auto resumed = testing::run_qmf(
      {"train", "--resume", run.string(), "--set", fmt::format("train.epochs={}", epochs)},
      tmp_.path(), data_dir());
  ASSERT_EQ(resumed.code, 0) << resumed.describe();
  const fs::path whole = tmp_.path() / "whole";
  const auto reference = testing::run_qmf(train(whole, epochs), tmp_.path(), data_dir());
  ASSERT_EQ(reference.code, 0) << reference.describe();
  const train::Checkpoint a = train::load_checkpoint(whole / "checkpoint.qmf");
  const train::Checkpoint b = train::load_checkpoint(run / "checkpoint.qmf");
  EXPECT_EQ(b.epochs_done, epochs);
  EXPECT_EQ(a.values, b.values);
  const auto ra = train::history_from_json(a.extra.at("rows"), whole);
  const auto rb = train::history_from_json(b.extra.at("rows"), run);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t e = 0; e < ra.size(); ++e) {  // losses and accuracies, at full precision
    EXPECT_EQ(ra[e].train_loss, rb[e].train_loss);
    EXPECT_EQ(ra[e].train_acc, rb[e].train_acc);
    EXPECT_EQ(ra[e].test_loss, rb[e].test_loss);
    EXPECT_EQ(ra[e].test_acc, rb[e].test_acc);
  }
}

INSTANTIATE_TEST_SUITE_P(Signals, TrainInterrupt, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& p) { return signal_name(p.param).substr(3); });

// A checkpoint inside an epoch (a run stopped, or one still training with
// train.checkpoint_every) is not the end of one: eval says how far into the epoch it is.
TEST(EvalOfAStoppedRun, SaysTheStepsIntoTheEpoch) {
  const data::TempDir tmp("qmf-interrupt-eval");
  testing::write_fake_mnist(tmp.path() / "data", 120, 40);
  testing::QuietProgress progress;
  train::train_new(testing::small_config(tmp.path() / "data", 1), tmp.path() / "run", progress);
  train::Checkpoint ckpt = train::load_checkpoint(tmp.path() / "run" / "checkpoint.qmf");
  ckpt.partial.steps = 2;
  train::save_checkpoint(tmp.path() / "run" / "checkpoint.qmf", ckpt);
  const auto r = testing::run_qmf({"eval", "--run", (tmp.path() / "run").string()}, tmp.path(),
                                  tmp.path() / "data");
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "(after 1 epochs and 2 steps of epoch 2)")) << r.describe();
}

}  // namespace
}  // namespace qmf
