// `qmf` with noise and shots, run as a separate process: a trained run evaluated under noise and
// with shots (reproducible for a seed), training under noise and on shots, and the settings
// refused with exit 2 and the key named: negative shots, noise on a classical model, a bad
// strength.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/run.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;

class NoiseCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-noise-cli");
    qmf::testing::write_fake_mnist(shared_->path() / "data");
    qmf::testing::QuietProgress progress;
    train::train_new(qmf::testing::small_config(shared_->path() / "data", 1), run_dir(), progress);
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static fs::path run_dir() { return shared_->path() / "trained"; }

  CommandResult exec_qmf(std::vector<std::string> args) const {
    args.insert(args.end(), {"--set", "data.dir=" + (shared_->path() / "data").string()});
    return qmf::testing::run_qmf(args, cwd_.path(), cwd_.path() / "no-data-here");
  }
  std::vector<std::string> train_args(const std::string& set) const {
    return {"train",           "--out",     "run",   "--set",          "data.classes=[0,1,2,3]",
            "--set",           "model.k=3", "--set", "train.epochs=1", "--set",
            "train.threads=1", "--set",     set};
  }

  data::TempDir cwd_{"qmf-noise-cli-cwd"};
  static inline data::TempDir* shared_ = nullptr;
};

TEST_F(NoiseCli, EvaluatesATrainedRunUnderNoiseAndShots) {
  const std::string run = run_dir().string();
  const CommandResult exact = exec_qmf({"eval", "--run", run});
  const CommandResult noisy = exec_qmf({"eval", "--run", run, "--set", "noise.depolarizing=0.2"});
  ASSERT_EQ(exact.code, 0) << exact.describe();
  ASSERT_EQ(noisy.code, 0) << noisy.describe();
  EXPECT_NE(exact.out, noisy.out) << "strong noise changes the evaluation";
  const CommandResult shots = exec_qmf({"eval", "--run", run, "--set", "sim.shots=20"});
  const CommandResult again = exec_qmf({"eval", "--run", run, "--set", "sim.shots=20"});
  ASSERT_EQ(shots.code, 0) << shots.describe();
  EXPECT_EQ(shots.out, again.out) << "the same seed gives the same shots";
  EXPECT_TRUE(contains(shots.out, "accuracy")) << shots.describe();
}

// Trajectories estimate what the density matrices give exactly: with 400 runs a sample's
// marginal is off by about 0.02, which moves the accuracy of a small test set by a few samples.
TEST_F(NoiseCli, EvaluatesAndExplainsFromTrajectories) {
  const std::string run = run_dir().string();
  const auto accuracy = [&](const std::vector<std::string>& sets, const std::string& out) {
    std::vector<std::string> args = {"eval", "--run", run, "--out", out};
    for (const auto& s : sets) args.insert(args.end(), {"--set", s});
    const CommandResult r = exec_qmf(args);
    EXPECT_EQ(r.code, 0) << r.describe();
    return nlohmann::json::parse(qmf::testing::slurp(cwd_.path() / out / "eval.json"))["accuracy"]
        .get<double>();
  };
  const double exact = accuracy({"noise.depolarizing=0.05"}, "density");
  const double sampled = accuracy({"noise.depolarizing=0.05", "sim.trajectories=400"}, "runs");
  EXPECT_NEAR(sampled, exact, 0.05);
  const CommandResult explain =
      exec_qmf({"explain", "--run", run, "--out", "explained", "--set", "noise.depolarizing=0.05",
                "--set", "sim.trajectories=50", "--set", "data.test_limit=40"});
  EXPECT_EQ(explain.code, 0) << explain.describe();
  const CommandResult train = exec_qmf(train_args("sim.trajectories=10"));
  EXPECT_EQ(train.code, 2) << train.describe();
  EXPECT_TRUE(contains(train.err, "sim.trajectories")) << train.describe();
}

TEST_F(NoiseCli, TrainsThroughNoise) {
  const CommandResult r = exec_qmf(train_args("noise.depolarizing=0.01"));
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(fs::exists(cwd_.path() / "run" / "summary.json"));
  EXPECT_TRUE(
      contains(qmf::testing::slurp(cwd_.path() / "run" / "config.toml"), "depolarizing = 0.01"));
}

TEST_F(NoiseCli, TrainsOnShots) {
  const CommandResult r = exec_qmf(train_args("sim.shots=100"));
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(qmf::testing::slurp(cwd_.path() / "run" / "config.toml"), "shots = 100"));
}

TEST_F(NoiseCli, RefusesWhatItCannotDoWithTheKeyNamed) {
  const CommandResult shots = exec_qmf(train_args("sim.shots=-1"));
  EXPECT_EQ(shots.code, 2) << shots.describe();
  EXPECT_TRUE(contains(shots.err, "sim.shots")) << shots.describe();
  std::vector<std::string> classical = train_args("noise.depolarizing=0.01");
  classical.insert(classical.end(), {"--set", "model.kind=early"});
  const CommandResult early = exec_qmf(classical);
  EXPECT_EQ(early.code, 2) << early.describe();
  EXPECT_TRUE(contains(early.err, "noise")) << early.describe();
  const CommandResult strength = exec_qmf(train_args("noise.depolarizing=1.5"));
  EXPECT_EQ(strength.code, 2) << strength.describe();
  EXPECT_TRUE(contains(strength.err, "noise.depolarizing")) << strength.describe();
  EXPECT_FALSE(fs::exists(cwd_.path() / "run")) << "a refused run leaves no directory";
}

}  // namespace
}  // namespace qmf
