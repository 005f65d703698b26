// Training runs end to end on generated IDX data: learning, determinism, the run directory and
// resuming ("same seed and thread count, same result", docs/MODEL.md; run directories).
#include "train/run.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/run_record.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;
using qmf::testing::QuietProgress;
using qmf::testing::read_csv;
using qmf::testing::small_config;

// One generated data directory for every test of the process; runs go to their own dirs.
class TrainData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-train-data");
    qmf::testing::write_fake_mnist(data_->path());
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static fs::path data_dir() { return data_->path(); }

  fs::path run_dir(const std::string& name) const { return runs_.path() / name; }

  // Trains a new run into runs/<name> and returns its summary.
  nlohmann::json train(const Config& c, const std::string& name) {
    QuietProgress progress;
    return train_new(c, run_dir(name), progress);
  }

  static data::TempDir* data_;
  data::TempDir runs_{"qmf-train-runs"};
};

data::TempDir* TrainData::data_ = nullptr;

// One fixture per suite name, all on the same generated data.
class TrainLearning : public TrainData {};
class TrainDeterminism : public TrainData {};
class TrainRunDir : public TrainData {};
class TrainResume : public TrainData {};
class TrainWarmStart : public TrainData {};

// The per-epoch rows the checkpoint keeps, at full precision.
std::vector<EpochRow> rows_of(const fs::path& run) {
  const fs::path file = run / "checkpoint.qmf";
  return history_from_json(load_checkpoint(file).extra.at("rows"), file);
}

// Rows without their timing columns, for bit-for-bit comparisons.
std::vector<std::vector<double>> untimed(const std::vector<EpochRow>& rows) {
  std::vector<std::vector<double>> out;
  for (const EpochRow& r : rows)
    out.push_back(
        {static_cast<double>(r.epoch), r.train_loss, r.train_acc, r.test_loss, r.test_acc});
  return out;
}

// metrics.csv without its last column (seconds).
std::vector<std::vector<std::string>> untimed_csv(const fs::path& run) {
  auto rows = read_csv(run / "metrics.csv");
  for (auto& r : rows)
    if (r.size() > 5) r.erase(r.begin() + 5);  // the seconds column
  return rows;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Loss falls every epoch and the final test accuracy is well above chance (4 classes: 0.25,
// 10 classes: 0.1).
void expect_learns(const fs::path& run, double min_accuracy) {
  const std::vector<EpochRow> rows = rows_of(run);
  const std::string history = history_json(rows).dump();
  ASSERT_GE(rows.size(), 2u);
  for (size_t e = 1; e < rows.size(); ++e)
    EXPECT_LT(rows[e].train_loss, rows[e - 1].train_loss)
        << "train loss did not fall from epoch " << e << " to " << e + 1 << ": " << history;
  EXPECT_LT(rows.back().test_loss, rows.front().test_loss) << "test loss did not fall: " << history;
  EXPECT_GT(rows.back().test_acc, min_accuracy) << history;
}

TEST_F(TrainLearning, AmplitudeEncodingLearnsTheGeneratedClasses) {
  // All ten classes and the default register size (8 qubits), as the real default model.
  Config c = small_config(data_dir(), 3);
  c.data.classes.clear();
  c.model.k = {4};
  const nlohmann::json s = train(c, "amplitude");
  expect_learns(run_dir("amplitude"), 0.8);
  EXPECT_EQ(s.at("epochs"), 3);
  EXPECT_GT(s.at("test_accuracy").get<double>(), 0.8);
}

TEST_F(TrainLearning, BeliefEncodingLearns) {
  Config c = small_config(data_dir(), 2);
  c.model.encoding = Encoding::belief;
  train(c, "belief");
  expect_learns(run_dir("belief"), 0.6);
}

TEST_F(TrainLearning, AngleEncodingLearns) {
  Config c = small_config(data_dir(), 2);
  c.model.encoding = Encoding::angle;
  train(c, "angle");
  expect_learns(run_dir("angle"), 0.6);
}

// Gradients by the parameter-shift rule on 1,000-shot estimates (noise/shot_gradient.h).
TEST_F(TrainLearning, ShotTrainingLearns) {
  Config c = small_config(data_dir(), 3);
  c.sim.shots = 1000;
  train(c, "shots");
  expect_learns(run_dir("shots"), 0.6);
}

TEST_F(TrainLearning, ExpvalReadoutLearns) {
  Config c = small_config(data_dir(), 2);
  c.model.readout = Readout::expval;
  train(c, "expval");
  expect_learns(run_dir("expval"), 0.6);
}

TEST_F(TrainLearning, FloatPrecisionLearns) {
  Config c = small_config(data_dir(), 2);
  c.sim.precision = Precision::f32;
  const nlohmann::json s = train(c, "float");
  expect_learns(run_dir("float"), 0.6);
  EXPECT_EQ(s.at("precision"), "float");
}

TEST_F(TrainDeterminism, SameSeedAndThreadsGiveIdenticalRuns) {
  Config c = small_config(data_dir(), 2);
  c.train.threads = 2;
  train(c, "a");
  train(c, "b");
  EXPECT_EQ(untimed_csv(run_dir("a")), untimed_csv(run_dir("b")));
  EXPECT_EQ(untimed(rows_of(run_dir("a"))), untimed(rows_of(run_dir("b"))));
  const Checkpoint a = load_checkpoint(run_dir("a") / "checkpoint.qmf");
  const Checkpoint b = load_checkpoint(run_dir("b") / "checkpoint.qmf");
  EXPECT_TRUE(same_bits(a.values, b.values));
  ASSERT_EQ(a.optimizer_state.buffers.size(), b.optimizer_state.buffers.size());
  for (size_t i = 0; i < a.optimizer_state.buffers.size(); ++i)
    EXPECT_TRUE(same_bits(a.optimizer_state.buffers[i], b.optimizer_state.buffers[i]));
}

TEST_F(TrainDeterminism, DifferentSeedGivesDifferentParameters) {
  Config c = small_config(data_dir(), 1);
  train(c, "seed11");
  c.train.seed = 12;
  train(c, "seed12");
  const Checkpoint a = load_checkpoint(run_dir("seed11") / "checkpoint.qmf");
  const Checkpoint b = load_checkpoint(run_dir("seed12") / "checkpoint.qmf");
  ASSERT_EQ(a.values.size(), b.values.size());
  size_t same = 0;
  for (size_t i = 0; i < a.values.size(); ++i) same += a.values[i] == b.values[i];
  EXPECT_LT(same, a.values.size() / 100 + 1) << "most parameters agree across seeds";
}

TEST_F(TrainRunDir, HoldsConfigMetricsSummaryAndCheckpoint) {
  const Config c = small_config(data_dir(), 2);
  const nlohmann::json returned = train(c, "run");
  const fs::path run = run_dir("run");

  // Exactly the four files: no temporary file left behind by the atomic writes.
  EXPECT_EQ(
      qmf::testing::file_names(run),
      (std::vector<std::string>{"checkpoint.qmf", "config.toml", "metrics.csv", "summary.json"}));

  EXPECT_TRUE(load_config(run / "config.toml") == c) << qmf::testing::slurp(run / "config.toml");

  const auto csv = read_csv(run / "metrics.csv");
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(qmf::testing::slurp(run / "metrics.csv").substr(0, 71),
            "epoch,train_loss,train_acc,test_loss,test_acc,seconds,val_loss,val_acc\n");
  EXPECT_EQ(csv[0], (std::vector<std::string>{"epoch", "train_loss", "train_acc", "test_loss",
                                              "test_acc", "seconds", "val_loss", "val_acc"}));
  for (size_t e = 1; e < csv.size(); ++e) {
    // Without a validation split the last two columns are empty.
    ASSERT_GE(csv[e].size(), 6u);
    for (size_t col = 6; col < csv[e].size(); ++col) EXPECT_EQ(csv[e][col], "");
    EXPECT_EQ(csv[e][0], std::to_string(e));
    for (size_t col = 1; col < 6; ++col) {
      const double v = std::stod(csv[e][col]);
      EXPECT_TRUE(std::isfinite(v) && v >= 0) << csv[e][col];
      if (col == 2 || col == 4) {
        EXPECT_LE(v, 1.0);
      }
    }
  }

  const nlohmann::json s = nlohmann::json::parse(qmf::testing::slurp(run / "summary.json"));
  EXPECT_EQ(s, returned);
  for (const char* key : {"model", "view", "epochs", "test_accuracy", "test_loss", "train_seconds",
                          "samples_per_second", "params", "qubits", "seed", "threads", "precision"})
    EXPECT_TRUE(s.contains(key)) << key << " missing from " << s.dump();
  EXPECT_EQ(s.at("model"), "qmfnn");
  EXPECT_EQ(s.at("view"), "mnist/split-h2");
  EXPECT_EQ(s.at("epochs"), 2);
  EXPECT_EQ(s.at("seed"), 11);
  EXPECT_EQ(s.at("threads"), 1);
  EXPECT_EQ(s.at("precision"), "double");
  EXPECT_EQ(s.at("qubits"), 6);
  EXPECT_NEAR(s.at("test_accuracy").get<double>(), std::stod(csv[2][4]), 1e-6);
  EXPECT_NEAR(s.at("test_loss").get<double>(), std::stod(csv[2][3]), 1e-6);
  EXPECT_GT(s.at("train_seconds").get<double>(), 0);
  EXPECT_GT(s.at("samples_per_second").get<double>(), 0);
  const auto& p = s.at("params");
  for (const char* key : {"classical", "quantum", "total"}) ASSERT_TRUE(p.contains(key)) << key;
  EXPECT_GT(p.at("classical").get<size_t>(), 0u);
  EXPECT_GT(p.at("quantum").get<size_t>(), 0u);
  EXPECT_EQ(p.at("total").get<size_t>(),
            p.at("classical").get<size_t>() + p.at("quantum").get<size_t>());

  const Checkpoint ckpt = load_checkpoint(run / "checkpoint.qmf");
  EXPECT_EQ(ckpt.model_kind, "qmfnn");
  EXPECT_EQ(ckpt.epochs_done, 2);
  EXPECT_EQ(ckpt.values.size(), p.at("total").get<size_t>());
}

TEST_F(TrainRunDir, TrainNewIntoAnExistingRunIsAUsageError) {
  const Config c = small_config(data_dir(), 1);
  train(c, "run");
  const std::string before = qmf::testing::slurp(run_dir("run") / "checkpoint.qmf");
  QuietProgress progress;
  try {
    train_new(c, run_dir("run"), progress);
    FAIL() << "train_new over an existing run succeeded";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(run_dir("run").string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(qmf::testing::slurp(run_dir("run") / "checkpoint.qmf"), before);
}

TEST_F(TrainResume, ContinuesBitForBit) {
  Config c = small_config(data_dir(), 3);
  train(c, "whole");
  c.train.epochs = 1;
  train(c, "parts");
  {
    QuietProgress progress;
    const nlohmann::json s = train_resume(run_dir("parts"), {"train.epochs=3"}, progress);
    EXPECT_EQ(s.at("epochs"), 3);
  }
  const fs::path whole = run_dir("whole"), parts = run_dir("parts");
  EXPECT_EQ(untimed_csv(parts), untimed_csv(whole));
  EXPECT_EQ(untimed(rows_of(parts)), untimed(rows_of(whole)));
  const Checkpoint a = load_checkpoint(whole / "checkpoint.qmf");
  const Checkpoint b = load_checkpoint(parts / "checkpoint.qmf");
  EXPECT_EQ(b.epochs_done, 3);
  EXPECT_TRUE(same_bits(a.values, b.values));
  EXPECT_EQ(a.optimizer_state.step, b.optimizer_state.step);
  ASSERT_EQ(a.optimizer_state.buffers.size(), b.optimizer_state.buffers.size());
  for (size_t i = 0; i < a.optimizer_state.buffers.size(); ++i)
    EXPECT_TRUE(same_bits(a.optimizer_state.buffers[i], b.optimizer_state.buffers[i]));
  // The resumed run's config now says 3 epochs, like the whole run's.
  EXPECT_TRUE(load_config(parts / "config.toml") == load_config(whole / "config.toml"));
  const auto sw = nlohmann::json::parse(qmf::testing::slurp(whole / "summary.json"));
  const auto sp = nlohmann::json::parse(qmf::testing::slurp(parts / "summary.json"));
  EXPECT_EQ(sp.at("test_accuracy"), sw.at("test_accuracy"));
  EXPECT_EQ(sp.at("test_loss"), sw.at("test_loss"));
}

// Every step's and every evaluation's shots come from streams named by the epoch, the step and
// the row, not from a counter a resume would restart.
TEST_F(TrainResume, ContinuesBitForBitWithShots) {
  Config c = small_config(data_dir(), 2);
  c.sim.shots = 200;
  c.model.readout = Readout::expval;
  train(c, "shots-whole");
  c.train.epochs = 1;
  train(c, "shots-parts");
  {
    QuietProgress progress;
    train_resume(run_dir("shots-parts"), {"train.epochs=2"}, progress);
  }
  const fs::path whole = run_dir("shots-whole"), parts = run_dir("shots-parts");
  EXPECT_EQ(untimed(rows_of(parts)), untimed(rows_of(whole)));
  EXPECT_TRUE(same_bits(load_checkpoint(whole / "checkpoint.qmf").values,
                        load_checkpoint(parts / "checkpoint.qmf").values));
}

TEST_F(TrainResume, TakesOnlyTrainEpochs) {
  const Config c = small_config(data_dir(), 1);
  train(c, "run");
  const std::string config_before = qmf::testing::slurp(run_dir("run") / "config.toml");
  for (const std::string set :
       {"train.lr=0.1", "train.seed=3", "data.train_limit=10", "model.k=2", "train.epochs_x=3"}) {
    QuietProgress progress;
    EXPECT_THROW(train_resume(run_dir("run"), {set}, progress), UsageError) << set;
  }
  // Nothing was rewritten by the refused resumes.
  EXPECT_EQ(qmf::testing::slurp(run_dir("run") / "config.toml"), config_before);
  EXPECT_EQ(load_checkpoint(run_dir("run") / "checkpoint.qmf").epochs_done, 1);
}

TEST_F(TrainResume, AFinishedRunResumedAtItsOwnLengthIsUnchanged) {
  const Config c = small_config(data_dir(), 2);
  train(c, "run");
  const auto csv = untimed_csv(run_dir("run"));
  const auto values = load_checkpoint(run_dir("run") / "checkpoint.qmf").values;
  QuietProgress progress;
  const nlohmann::json s = train_resume(run_dir("run"), {}, progress);
  EXPECT_EQ(s.at("epochs"), 2);
  EXPECT_EQ(untimed_csv(run_dir("run")), csv);
  EXPECT_TRUE(same_bits(load_checkpoint(run_dir("run") / "checkpoint.qmf").values, values));
}

// A run that has trained 2 epochs cannot be "resumed" to 1: that would leave a config.toml
// saying train.epochs = 1 beside 2 epochs of metrics and a checkpoint after epoch 2.
TEST_F(TrainResume, FewerEpochsThanAlreadyTrainedIsAUsageError) {
  const Config c = small_config(data_dir(), 2);
  train(c, "run");
  QuietProgress progress;
  try {
    train_resume(run_dir("run"), {"train.epochs=1"}, progress);
    ADD_FAILURE() << "resumed a 2-epoch run to 1 epoch";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("train.epochs"), std::string::npos) << e.what();
  }
  EXPECT_EQ(load_config(run_dir("run") / "config.toml").train.epochs, 2)
      << "config.toml no longer matches the run's metrics and checkpoint";
}

TEST_F(TrainResume, OfADirectoryWithoutARunIsAnError) {
  QuietProgress progress;
  fs::create_directories(run_dir("empty"));
  try {
    train_resume(run_dir("empty"), {"train.epochs=2"}, progress);
    FAIL() << "resumed an empty directory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config.toml"), std::string::npos) << e.what();
  }
}

// train.init: the other run's parameters replace the seed's. At a vanishing learning rate the
// fine-tuned run ends where the other run ended, far from where its own seed would have put it.
TEST_F(TrainWarmStart, StartsFromTheOtherRunsParameters) {
  Config c = small_config(data_dir(), 1);
  train(c, "pretrained");
  c.train.seed = 5;
  c.train.lr = 1e-12;
  train(c, "from-seed");
  c.train.init = run_dir("pretrained").string();
  train(c, "fine-tuned");
  const auto values = [&](const char* run) {
    return load_checkpoint(run_dir(run) / "checkpoint.qmf").values;
  };
  const std::vector<double> pre = values("pretrained"), seed = values("from-seed"),
                            tuned = values("fine-tuned");
  ASSERT_EQ(pre.size(), tuned.size());
  double to_pre = 0, to_seed = 0;
  for (size_t i = 0; i < pre.size(); ++i) {
    to_pre = std::max(to_pre, std::abs(tuned[i] - pre[i]));
    to_seed = std::max(to_seed, std::abs(tuned[i] - seed[i]));
  }
  EXPECT_LT(to_pre, 1e-8);
  EXPECT_GT(to_seed, 1e-3);
}

TEST_F(TrainWarmStart, AnotherModelOrAMissingRunIsAnErrorNamingTheKey) {
  Config c = small_config(data_dir(), 1);
  train(c, "pretrained");
  c.model.ffn_hidden = {8};
  c.train.init = (run_dir("pretrained") / "checkpoint.qmf").string();
  for (const std::string& init : std::vector<std::string>{c.train.init, run_dir("nowhere")}) {
    c.train.init = init;
    try {
      train(c, "tuned");
      ADD_FAILURE() << "trained from " << init;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("train.init: "), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(run_dir("tuned"))) << "a failed start leaves its directory";
  }
}

}  // namespace
}  // namespace qmf::train
