// Runs started together (run.h, "One process at a time"): real `qmf train` processes racing for
// one --out, for the default runs/<time>-<model>-<view> name, and resumes of a run that another
// process holds. Each directory ends up with exactly one run in it, consistent with itself.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/run_lock.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "support/spawn_qmf.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/config.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using testing::contains;
using testing::Ending;

class ConcurrentRuns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-concurrent-data");
    testing::write_fake_mnist(data_->path(), 120, 40);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static fs::path data_dir() { return data_->path(); }

  // A run of a few steps: 48 samples of four classes, batch 16, one epoch.
  static std::vector<std::string> tiny_train(const std::vector<std::string>& more) {
    std::vector<std::string> args{"train"};
    for (const char* set : {"data.classes=[0,1,2,3]", "data.train_limit=48", "data.test_limit=16",
                            "model.k=2", "train.batch=16", "train.epochs=1", "train.threads=1"}) {
      args.push_back("--set");
      args.push_back(set);
    }
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  // Starts every command at once, each logging to a file of its own; returns when all ended.
  struct Started {
    pid_t pid;
    fs::path log;
    Ending ending;
  };
  std::vector<Started> run_together(const std::vector<std::vector<std::string>>& commands) {
    std::vector<Started> runs;
    for (size_t i = 0; i < commands.size(); ++i) {
      const fs::path log = tmp_.path() / ("qmf-" + std::to_string(i) + ".log");
      runs.push_back({testing::spawn_qmf(commands[i], data_dir(), log), log, {}});
    }
    for (Started& r : runs) r.ending = testing::wait_for(r.pid);
    return runs;
  }

  static inline data::TempDir* data_ = nullptr;
  data::TempDir tmp_{"qmf-concurrent"};
};

// The run directory holds one run: config.toml is the configuration its checkpoint was trained
// with, and nothing else of a process is left in it.
void expect_one_consistent_run(const fs::path& run) {
  const train::Checkpoint ckpt = train::load_checkpoint(run / "checkpoint.qmf");
  ASSERT_TRUE(ckpt.extra.contains("config")) << run;
  EXPECT_TRUE(parse_config(ckpt.extra.at("config").get<std::string>()) ==
              load_config(run / "config.toml"))
      << run;
  EXPECT_EQ(testing::file_names(run),
            (std::vector<std::string>{"checkpoint.qmf", "config.toml", "confusion.png",
                                      "curves.png", "figures.gp", "metrics.csv", "summary.json"}));
}

TEST_F(ConcurrentRuns, OneOutForThreeRunsTrainsOneAndTheOthersNameIt) {
  const fs::path out = tmp_.path() / "run";
  // Three different runs (seeds), so a directory mixing them would show.
  std::vector<std::vector<std::string>> commands;
  for (const char* seed : {"train.seed=1", "train.seed=2", "train.seed=3"})
    commands.push_back(tiny_train({"--out", out.string(), "--set", seed}));
  const auto runs = run_together(commands);
  std::vector<const Started*> won;
  for (const Started& r : runs)
    if (r.ending.exited && r.ending.code == 0) won.push_back(&r);
  ASSERT_EQ(won.size(), 1u) << "runs that succeeded";
  const std::string winner = "pid " + std::to_string(won.front()->pid);
  for (const Started& r : runs) {
    if (&r == won.front()) continue;
    const std::string log = testing::slurp(r.log);
    EXPECT_TRUE(r.ending.exited && r.ending.code != 0) << log;
    // Refused while the winner held it, or (started very late) after it had finished.
    EXPECT_TRUE(contains(log, winner + " (qmf train") || contains(log, "already holds a run"))
        << log;
    EXPECT_TRUE(contains(log, out.string())) << log;
  }
  expect_one_consistent_run(out);
}

// Runs started in the same second with no --out all get directories of their own.
TEST_F(ConcurrentRuns, DefaultDirectoriesOfRunsStartedTogetherAreDistinct) {
  const fs::path cwd = tmp_.path() / "cwd";
  fs::create_directories(cwd);
  // The names have one-second resolution: start in the first part of a second, so all four
  // start within it and race for the same name.
  using namespace std::chrono;
  const auto into_second = system_clock::now().time_since_epoch() % seconds(1);
  if (into_second > milliseconds(700)) std::this_thread::sleep_for(seconds(1) - into_second);
  const fs::path before = fs::current_path();
  fs::current_path(cwd);  // the children start here; spawn_qmf takes no directory
  std::vector<std::vector<std::string>> commands(4, tiny_train({}));
  const auto runs = run_together(commands);
  fs::current_path(before);
  std::set<std::string> printed;
  for (const Started& r : runs) {
    const std::string log = testing::slurp(r.log);
    ASSERT_TRUE(r.ending.exited && r.ending.code == 0) << log;
    const size_t at = log.find("run directory: ");
    ASSERT_NE(at, std::string::npos) << log;
    printed.insert(log.substr(at, log.find('\n', at) - at));
  }
  EXPECT_EQ(printed.size(), runs.size());
  const auto dirs = testing::file_names(cwd / "runs");
  ASSERT_EQ(dirs.size(), runs.size());
  for (const std::string& d : dirs) expect_one_consistent_run(cwd / "runs" / d);
}

// A resume of a directory another process holds (a training or a resume still running there)
// fails at once, naming it, and leaves the run alone; once it has let go, the resume goes on.
TEST_F(ConcurrentRuns, AResumeOfAHeldRunIsRefusedNamingTheHolder) {
  const fs::path run = tmp_.path() / "run";
  ASSERT_EQ(testing::run_qmf(tiny_train({"--out", run.string()}), tmp_.path(), data_dir()).code, 0);
  const std::string ckpt = testing::slurp(run / "checkpoint.qmf");
  const std::vector<std::string> resume{"train", "--resume", run.string(), "--set",
                                        "train.epochs=2"};
  {
    const DirLock held(run);
    const auto r = testing::run_qmf(resume, tmp_.path(), data_dir());
    EXPECT_EQ(r.code, 1) << r.describe();
    EXPECT_TRUE(contains(r.err, run.string() + " is in use by pid " + std::to_string(::getpid())))
        << r.describe();
    EXPECT_EQ(testing::slurp(run / "checkpoint.qmf"), ckpt);
  }
  const auto r = testing::run_qmf(resume, tmp_.path(), data_dir());
  EXPECT_EQ(r.code, 0) << r.describe();
  expect_one_consistent_run(run);
}

// Two resumes started together: one trains, the other is refused naming it (or, started after
// the first had finished, finds nothing left to train); the run is the one an uninterrupted
// training gives.
TEST_F(ConcurrentRuns, TwoResumesAtOnceTrainTheRunOnce) {
  const fs::path run = tmp_.path() / "run", whole = tmp_.path() / "whole";
  ASSERT_EQ(testing::run_qmf(tiny_train({"--out", run.string()}), tmp_.path(), data_dir()).code, 0);
  const std::vector<std::string> resume{"train", "--resume", run.string(), "--set",
                                        "train.epochs=3"};
  const auto runs = run_together({resume, resume});
  int succeeded = 0;
  for (const Started& r : runs) {
    const std::string log = testing::slurp(r.log);
    ASSERT_TRUE(r.ending.exited) << log;
    if (r.ending.code == 0) {
      ++succeeded;
      continue;
    }
    const Started& other = &r == &runs[0] ? runs[1] : runs[0];
    EXPECT_TRUE(contains(log, "is in use by pid " + std::to_string(other.pid))) << log;
  }
  EXPECT_GE(succeeded, 1);
  const auto w = testing::run_qmf(tiny_train({"--out", whole.string(), "--set", "train.epochs=3"}),
                                  tmp_.path(), data_dir());
  ASSERT_EQ(w.code, 0) << w.describe();
  expect_one_consistent_run(run);
  EXPECT_EQ(train::load_checkpoint(run / "checkpoint.qmf").values,
            train::load_checkpoint(whole / "checkpoint.qmf").values);
}

// A lock file left by a killed run (its holder dead) does not keep a new run out.
TEST_F(ConcurrentRuns, ALockFileOfADeadHolderDoesNotBlockANewRun) {
  const fs::path out = tmp_.path() / "run";
  testing::write_text(out / std::string(DirLock::kFileName), "pid 999999 (qmf train)\n");
  const auto r = testing::run_qmf(tiny_train({"--out", out.string()}), tmp_.path(), data_dir());
  ASSERT_EQ(r.code, 0) << r.describe();
  expect_one_consistent_run(out);
}

}  // namespace
}  // namespace qmf
