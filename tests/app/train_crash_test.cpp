// Crash safety of `qmf train` (run.h, "Crash safety"): real runs killed with SIGKILL at seeded
// random moments — during startup, inside epochs, at epoch ends — and resumed (and killed again)
// until they finish, must end with exactly the parameters and metrics of an uninterrupted run.
// After every kill the run directory must be consistent: no metrics row, and no summary, ahead
// of the checkpoint on disk.
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/rng.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/run_command.h"
#include "support/spawn_qmf.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/run_record.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::Ending;

constexpr int kEpochs = 3;
constexpr int kMaxKills = 6;

struct Scenario {
  std::string name;
  std::vector<std::string> sets;  // on top of the small config below
  uint64_t kill_seed;
};

// What the last kill interrupted, judged from the files it left.
enum class Landed { before_config, before_first_checkpoint, inside_epoch, at_epoch_end };

class TrainCrash : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-crash-data");
    testing::write_fake_mnist(shared_->path());
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static fs::path data_dir() { return shared_->path(); }

  fs::path dir(const std::string& name) const { return runs_.path() / name; }
  fs::path log() const { return runs_.path() / "qmf.log"; }

  std::vector<std::string> new_run(const Scenario& s, const fs::path& out) const {
    std::vector<std::string> args{"train", "--out", out.string()};
    for (const std::string& set :
         {"data.dir=" + data_dir().string(), std::string("data.classes=[0,1,2,3]"),
          "train.epochs=" + std::to_string(kEpochs), std::string("train.threads=1"),
          std::string("train.seed=5")}) {
      args.push_back("--set");
      args.push_back(set);
    }
    for (const auto& set : s.sets) {
      args.push_back("--set");
      args.push_back(set);
    }
    return args;
  }

  std::string log_text() const { return testing::slurp(log()); }

  static data::TempDir* shared_;
  data::TempDir runs_{"qmf-crash-runs"};
};

data::TempDir* TrainCrash::shared_ = nullptr;

size_t metric_rows(const fs::path& run) {
  const auto rows = testing::read_csv(run / "metrics.csv");
  return rows.empty() ? 0 : rows.size() - 1;  // less the header
}

// Checks the invariants of the write order and says where the kill landed.
Landed inspect(const fs::path& run) {
  if (!fs::exists(run / "config.toml")) return Landed::before_config;
  if (!fs::exists(run / "checkpoint.qmf")) {
    EXPECT_FALSE(fs::exists(run / "metrics.csv")) << "metrics.csv without a checkpoint";
    EXPECT_FALSE(fs::exists(run / "summary.json")) << "summary.json without a checkpoint";
    return Landed::before_first_checkpoint;
  }
  const train::Checkpoint c = train::load_checkpoint(run / "checkpoint.qmf");  // loads: not torn
  if (fs::exists(run / "metrics.csv")) {
    EXPECT_LE(metric_rows(run), static_cast<size_t>(c.epochs_done))
        << "metrics.csv holds an epoch the checkpoint does not";
  }
  if (fs::exists(run / "summary.json")) {
    EXPECT_EQ(c.epochs_done, kEpochs) << "summary.json before the last checkpoint";
    EXPECT_EQ(metric_rows(run), static_cast<size_t>(kEpochs)) << "summary.json before metrics";
  }
  return c.partial.steps > 0 ? Landed::inside_epoch : Landed::at_epoch_end;
}

// metrics.csv without its timing column (seconds).
std::vector<std::vector<std::string>> untimed_csv(const fs::path& run) {
  auto rows = testing::read_csv(run / "metrics.csv");
  for (auto& r : rows)
    if (r.size() > 5) r.erase(r.begin() + 5);
  return rows;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void expect_same_run(const fs::path& crashed, const fs::path& whole) {
  EXPECT_EQ(untimed_csv(crashed), untimed_csv(whole));
  const train::Checkpoint a = train::load_checkpoint(whole / "checkpoint.qmf");
  const train::Checkpoint b = train::load_checkpoint(crashed / "checkpoint.qmf");
  EXPECT_EQ(b.epochs_done, kEpochs);
  EXPECT_EQ(b.partial, train::EpochProgress{});
  EXPECT_TRUE(same_bits(a.values, b.values)) << "parameters differ";
  EXPECT_EQ(a.optimizer_state.step, b.optimizer_state.step);
  ASSERT_EQ(a.optimizer_state.buffers.size(), b.optimizer_state.buffers.size());
  for (size_t i = 0; i < a.optimizer_state.buffers.size(); ++i)
    EXPECT_TRUE(same_bits(a.optimizer_state.buffers[i], b.optimizer_state.buffers[i]));
  const auto ra = train::history_from_json(a.extra.at("rows"), whole);
  const auto rb = train::history_from_json(b.extra.at("rows"), crashed);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t e = 0; e < ra.size(); ++e) {  // losses and accuracies, at full precision
    EXPECT_EQ(ra[e].train_loss, rb[e].train_loss) << "epoch " << e + 1;
    EXPECT_EQ(ra[e].train_acc, rb[e].train_acc) << "epoch " << e + 1;
    EXPECT_EQ(ra[e].test_loss, rb[e].test_loss) << "epoch " << e + 1;
    EXPECT_EQ(ra[e].test_acc, rb[e].test_acc) << "epoch " << e + 1;
  }
  const auto sw = nlohmann::json::parse(testing::slurp(whole / "summary.json"));
  const auto sc = nlohmann::json::parse(testing::slurp(crashed / "summary.json"));
  EXPECT_EQ(sc.at("test_accuracy"), sw.at("test_accuracy"));
  EXPECT_EQ(sc.at("test_loss"), sw.at("test_loss"));
  // No temporary file of a killed write is left behind.
  for (const std::string& name : testing::file_names(crashed))
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
}

TEST_F(TrainCrash, KilledAndResumedRunsEqualAnUninterruptedOne) {
  const std::vector<Scenario> scenarios{
      {"qmfnn-adam", {"model.k=3", "train.batch=16", "train.checkpoint_every=2"}, 101},
      {"early-sgd",
       {"model.kind=early", "model.hidden=[16]", "train.optimizer=sgd", "train.lr=0.1",
        "train.batch=8", "train.checkpoint_every=3"},
       202},
      {"qmfnn-float",
       {"model.k=2", "train.batch=16", "sim.precision=float", "train.checkpoint_every=1"},
       303},
  };
  int landed[4] = {0, 0, 0, 0};
  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(s.name);
    const fs::path whole = dir(s.name + "-whole"), crashed = dir(s.name + "-crashed");
    const auto t0 = Clock::now();
    // The reference takes no mid-epoch checkpoints: taking them must change nothing.
    auto uninterrupted = new_run(s, whole);
    uninterrupted.insert(uninterrupted.end(), {"--set", "train.checkpoint_every=0"});
    const Ending ref = testing::wait_for(testing::spawn_qmf(uninterrupted, data_dir(), log()));
    const auto full = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
    ASSERT_TRUE(ref.exited && ref.code == 0) << log_text();

    // Delays span most of an uninterrupted run (a resumed one is shorter), so kills land in
    // startup, inside epochs and at their ends; a child that finished first simply finished.
    Rng rng(s.kill_seed);
    int kills = 0;
    for (int round = 0;; ++round) {
      ASSERT_LT(round, 50) << "the run never finished";
      const bool started = fs::exists(crashed / "config.toml");
      const auto args = started ? std::vector<std::string>{"train", "--resume", crashed.string()}
                                : new_run(s, crashed);
      const pid_t pid = testing::spawn_qmf(args, data_dir(), log());
      if (kills == kMaxKills) {
        const Ending last = testing::wait_for(pid);
        ASSERT_TRUE(last.exited && last.code == 0) << log_text();
        break;
      }
      const auto delay = std::chrono::microseconds(
          static_cast<int64_t>(rng.uniform(0.0, 0.9) * static_cast<double>(full.count())));
      const Ending e = testing::kill_after(pid, delay);
      if (!e.killed) {
        ASSERT_TRUE(e.exited && e.code == 0) << log_text();
        break;
      }
      ++kills;
      ++landed[static_cast<int>(inspect(crashed))];
    }
    expect_same_run(crashed, whole);
  }
  std::cout << "[ kills    ] before config.toml " << landed[0] << ", before the first checkpoint "
            << landed[1] << ", inside an epoch " << landed[2] << ", at an epoch's end " << landed[3]
            << "\n";
}

// A directory killed before config.toml was written holds no run: --resume says so.
TEST_F(TrainCrash, ResumeWithoutConfigSaysHowToStart) {
  fs::create_directories(dir("empty"));
  const auto r =
      testing::run_qmf({"train", "--resume", dir("empty").string()}, runs_.path(), data_dir());
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_NE(r.err.find("config.toml"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.describe();
}

// config.toml but no checkpoint (killed in between): --resume starts over from the seed and
// gives the same run as one never interrupted.
TEST_F(TrainCrash, ResumeBeforeTheFirstCheckpointStartsOver) {
  const Scenario s{"restart", {"model.k=2", "train.batch=32"}, 0};
  const Ending ref =
      testing::wait_for(testing::spawn_qmf(new_run(s, dir("whole")), data_dir(), log()));
  ASSERT_TRUE(ref.exited && ref.code == 0) << log_text();
  fs::create_directories(dir("restart"));
  fs::copy_file(dir("whole") / "config.toml", dir("restart") / "config.toml");
  const auto r =
      testing::run_qmf({"train", "--resume", dir("restart").string()}, runs_.path(), data_dir());
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_NE(r.err.find("starting it again"), std::string::npos) << r.describe();
  expect_same_run(dir("restart"), dir("whole"));
}

}  // namespace
}  // namespace qmf
