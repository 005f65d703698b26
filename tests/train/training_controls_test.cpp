// Training controls on real small runs (docs/TRAINING.md): early stopping, the best-on-validation
// checkpoint, and resume exactness with every control on. A run stopped in the middle (SIGINT at
// a step chosen by the test) and resumed must end with the metrics and parameters of the run
// trained at once, bit for bit.
#include <signal.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/interrupt.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/early_stopping.h"
#include "train/run.h"
#include "train/run_record.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;
using qmf::testing::QuietProgress;
using qmf::testing::small_config;

class TrainControls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-controls-data");
    qmf::testing::write_fake_mnist(data_->path(), 200, 60);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static Config config(int epochs) {
    Config c = small_config(data_->path(), epochs);
    c.data.validation = 0.2;
    return c;
  }
  fs::path run_dir(const std::string& name) const { return runs_.path() / name; }
  nlohmann::json train(const Config& c, const std::string& name) {
    QuietProgress progress;
    return train_new(c, run_dir(name), progress);
  }
  static nlohmann::json summary_of(const fs::path& run) {
    return nlohmann::json::parse(qmf::testing::slurp(run / "summary.json"));
  }
  static std::vector<EpochRow> rows_of(const fs::path& file) {
    return history_from_json(load_checkpoint(file).extra.at("rows"), file);
  }

  static inline data::TempDir* data_ = nullptr;
  data::TempDir runs_{"qmf-controls-runs"};
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST_F(TrainControls, EarlyStoppingEndsTheRunAfterThePatience) {
  Config c = config(40);
  c.train.lr = 0.3;  // a large rate: the validation loss soon stops improving
  c.train.patience = 2;
  const nlohmann::json s = train(c, "run");
  const std::vector<EpochRow> rows = rows_of(run_dir("run") / "checkpoint.qmf");
  ASSERT_LT(rows.size(), 40u) << "the run did not stop early: " << history_json(rows).dump();
  const int stopped = static_cast<int>(rows.size());
  EXPECT_EQ(s.at("stopped_early"), stopped);
  EXPECT_EQ(s.at("epochs"), stopped);
  // The best epoch is `patience` before the end, and no later epoch beat it.
  const int best = s.at("best_checkpoint").at("epoch").get<int>();
  EXPECT_EQ(best, stopped - 2);
  for (int e = best + 1; e <= stopped; ++e)
    EXPECT_GE(rows[e - 1].val_loss, rows[best - 1].val_loss) << "epoch " << e;
  for (int e = 1; e < best; ++e) EXPECT_GT(rows[e - 1].val_loss, rows[best - 1].val_loss);
  EXPECT_EQ(s.at("best_checkpoint").at("value").get<double>(), rows[best - 1].val_loss);
  EXPECT_EQ(load_checkpoint(run_dir("run") / "best.qmf").epochs_done, best);

  // Resumed, the run stays stopped and says so; a longer run is refused.
  QuietProgress progress;
  const nlohmann::json again = train_resume(run_dir("run"), {}, progress);
  EXPECT_EQ(again.at("stopped_early"), stopped);
  EXPECT_NE(progress.text().find("stopped early after epoch " + std::to_string(stopped)),
            std::string::npos)
      << progress.text();
  EXPECT_EQ(rows_of(run_dir("run") / "checkpoint.qmf").size(), rows.size());
  EXPECT_THROW(train_resume(run_dir("run"), {"train.epochs=50"}, progress), UsageError);
}

TEST_F(TrainControls, EarlyStoppingWithoutAValidationSplitIsRefused) {
  Config c = small_config(data_->path(), 3);
  c.train.patience = 2;
  try {
    train(c, "run");
    FAIL() << "trained with early stopping and no validation split";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("train.patience"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("data.validation"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(run_dir("run") / "config.toml"));
}

TEST_F(TrainControls, BestCheckpointHoldsTheBestEpochsParameters) {
  Config c = config(4);
  c.train.lr = 0.3;
  c.train.monitor = Monitor::val_acc;
  const nlohmann::json s = train(c, "run");
  const std::vector<EpochRow> rows = rows_of(run_dir("run") / "checkpoint.qmf");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(s.at("stopped_early").is_null());
  // The first epoch of the highest validation accuracy.
  int best = 1;
  for (int e = 2; e <= 4; ++e)
    if (rows[e - 1].val_acc > rows[best - 1].val_acc) best = e;
  EXPECT_EQ(s.at("best_checkpoint").at("epoch"), best);
  EXPECT_EQ(s.at("best_checkpoint").at("monitor"), "val_acc");
  const Checkpoint b = load_checkpoint(run_dir("run") / "best.qmf");
  EXPECT_EQ(b.epochs_done, best);
  // Its parameters are those of the same run trained for `best` epochs.
  c.train.epochs = best;
  train(c, "short");
  EXPECT_TRUE(same_bits(b.values, load_checkpoint(run_dir("short") / "checkpoint.qmf").values));
}

TEST_F(TrainControls, NoValidationSplitMeansNoBestCheckpoint) {
  const nlohmann::json s = train(small_config(data_->path(), 1), "run");
  EXPECT_FALSE(fs::exists(run_dir("run") / "best.qmf"));
  EXPECT_TRUE(s.at("best_checkpoint").is_null());
}

// A Progress whose clock raises SIGINT at its n-th reading: the clock is read at each epoch's
// start and after each step, so the run is stopped at a step the test chooses.
struct StoppingProgress {
  explicit StoppingProgress(int n)
      : file(std::tmpfile()), progress(file, {.clock = [this, n] {
                                         if (++reads == n) ::raise(SIGINT);
                                         return 0.0;
                                       }}) {}
  ~StoppingProgress() { std::fclose(file); }
  StoppingProgress(const StoppingProgress&) = delete;
  StoppingProgress& operator=(const StoppingProgress&) = delete;
  int reads = 0;
  std::FILE* file;
  Progress progress;
};

struct Controls {
  std::string name;
  std::vector<std::string> sets;
};
void PrintTo(const Controls& c, std::ostream* os) {
  *os << c.name;
  for (const auto& s : c.sets) *os << ' ' << s;
}

class TrainControlsResume : public TrainControls, public ::testing::WithParamInterface<Controls> {};

TEST_P(TrainControlsResume, StoppedAndResumedEqualsTheWholeRun) {
  Config c = config(4);
  c.train.checkpoint_every = 3;
  for (const std::string& set : GetParam().sets) apply_override(c, set);
  validate(c);
  train(c, "whole");
  const nlohmann::json whole = summary_of(run_dir("whole"));

  // Stopped twice at the n-th clock reading (an epoch of s steps reads it 1 + s times), once
  // inside an epoch and once at an epoch's end or inside another, then resumed to the end.
  int resumes = 0;
  for (const int n : {7, 4}) {
    const InterruptHandlers handlers;
    StoppingProgress stopping(n);
    try {
      if (resumes == 0)
        train_new(c, run_dir("parts"), stopping.progress);
      else
        train_resume(run_dir("parts"), {}, stopping.progress);
      if (!whole.at("stopped_early").is_null()) break;  // it may end before the stop
      FAIL() << "the run was not stopped at read " << n;
    } catch (const Interrupted&) {
      // The first stop lands inside epoch 2, after its first step: the mid-epoch case.
      if (resumes == 0)
        EXPECT_EQ(load_checkpoint(run_dir("parts") / "checkpoint.qmf").partial.steps, 1u);
    }
    ++resumes;
  }
  {
    const InterruptHandlers handlers;
    QuietProgress progress;
    train_resume(run_dir("parts"), {}, progress);
  }
  const nlohmann::json parts = summary_of(run_dir("parts"));
  EXPECT_EQ(parts.at("stopped_early"), whole.at("stopped_early"));
  EXPECT_EQ(parts.at("best_checkpoint"), whole.at("best_checkpoint"));
  EXPECT_EQ(parts.at("test_loss"), whole.at("test_loss"));
  for (const char* file : {"checkpoint.qmf", "best.qmf"}) {
    SCOPED_TRACE(file);
    const Checkpoint a = load_checkpoint(run_dir("whole") / file);
    const Checkpoint b = load_checkpoint(run_dir("parts") / file);
    EXPECT_EQ(a.epochs_done, b.epochs_done);
    EXPECT_TRUE(same_bits(a.values, b.values));
    EXPECT_EQ(a.optimizer_state.step, b.optimizer_state.step);
    ASSERT_EQ(a.optimizer_state.buffers.size(), b.optimizer_state.buffers.size());
    for (size_t i = 0; i < a.optimizer_state.buffers.size(); ++i)
      EXPECT_TRUE(same_bits(a.optimizer_state.buffers[i], b.optimizer_state.buffers[i]));
    EXPECT_EQ(a.extra.at("validation_best"), b.extra.at("validation_best"));
    const auto ra = rows_of(run_dir("whole") / file), rb = rows_of(run_dir("parts") / file);
    ASSERT_EQ(ra.size(), rb.size());
    for (size_t e = 0; e < ra.size(); ++e) {
      EXPECT_EQ(ra[e].train_loss, rb[e].train_loss);
      EXPECT_EQ(ra[e].train_acc, rb[e].train_acc);
      EXPECT_EQ(ra[e].val_loss, rb[e].val_loss);
      EXPECT_EQ(ra[e].val_acc, rb[e].val_acc);
      EXPECT_EQ(ra[e].test_loss, rb[e].test_loss);
      EXPECT_EQ(ra[e].test_acc, rb[e].test_acc);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    EachControl, TrainControlsResume,
    ::testing::Values(Controls{"CosineWarmupAdamW",
                               {"train.lr_schedule=cosine", "train.lr_warmup=3",
                                "train.lr_floor=0.001", "train.weight_decay=0.01"}},
                      Controls{
                          "StepSgdMomentumClip",
                          {"train.optimizer=sgd", "train.momentum=0.9", "train.lr_schedule=step",
                           "train.lr_step_size=3", "train.lr_step_factor=0.5",
                           "train.clip_norm=0.5", "train.weight_decay=0.001"}},
                      Controls{"EarlyStoppingValAcc",
                               {"train.lr=0.3", "train.patience=1", "train.monitor=val_acc"}}),
    [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace qmf::train
