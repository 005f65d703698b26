// `mpirun -np N qmf train` (train/trainer.h, "Data parallelism"), run for real: one rank is the
// one-process run bit for bit; two ranks agree with it to rounding after 100 steps and with
// themselves bit for bit; a run moves between rank counts by --resume; a rank killed mid-epoch
// or a bad file on one rank ends the job naming the rank, never a hang, and the run resumes.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/fetch/temp_dir.h"
#include "dist/launch.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/mpi_job.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/run_record.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using testing::contains;

class MpiTrain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-mpi-data");
    // Four classes of 2000 images: 100 steps an epoch at batch 8.
    testing::write_fake_mnist(data_->path(), 2000, 100);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  void SetUp() override {
    if (!dist::built_with_mpi()) GTEST_SKIP() << "this qmf is built without MPI";
  }
  static fs::path data_dir() { return data_->path(); }

  // The data directory is the default, QMF_DATA, which a rank's environment sets.
  fs::path config_file() const {
    Config c = testing::small_config(data_dir(), 1);
    c.data.dir.clear();
    c.model.k = {2};
    c.train.batch = 8;
    const fs::path file = tmp_.path() / "config.toml";
    testing::write_text(file, to_toml(c));
    return file;
  }
  std::vector<std::string> train(const std::string& out, int epochs,
                                 std::vector<std::string> more = {}) const {
    std::vector<std::string> args{"train",
                                  "--config",
                                  config_file().string(),
                                  "--out",
                                  out,
                                  "--set",
                                  fmt::format("train.epochs={}", epochs)};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  testing::MpiJob::End mpirun(int ranks, const std::vector<std::string>& args) const {
    return testing::run_mpi({{ranks, data_dir(), args}}, tmp_.path());
  }
  testing::CommandResult alone(const std::vector<std::string>& args) const {
    return testing::run_qmf(args, tmp_.path(), data_dir());
  }
  train::Checkpoint checkpoint(const std::string& run) const {
    return train::load_checkpoint(tmp_.path() / run / "checkpoint.qmf");
  }
  nlohmann::json summary(const std::string& run) const {
    return nlohmann::json::parse(testing::slurp(tmp_.path() / run / "summary.json"));
  }

  static inline data::TempDir* data_ = nullptr;
  data::TempDir tmp_{"qmf-mpi"};
};

// The largest |a - b| / |a| over the parameters.
double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) worst = std::max(worst, std::abs(a[i] - b[i]) / std::abs(a[i]));
  return worst;
}

// A job that ended by itself with exit code 0 (`job` is evaluated once: it may run one).
#define EXPECT_JOB_OK(job)                                               \
  do {                                                                   \
    const testing::MpiJob::End end_ = (job);                             \
    ASSERT_FALSE(end_.hung) << end_.log;                                 \
    ASSERT_TRUE(end_.ending.exited&& end_.ending.code == 0) << end_.log; \
  } while (0)

TEST_F(MpiTrain, OneRankIsTheOneProcessRunBitForBit) {
  const auto plain = alone(train("plain", 2));
  ASSERT_EQ(plain.code, 0) << plain.describe();
  EXPECT_JOB_OK(mpirun(1, train("one", 2)));
  const train::Checkpoint a = checkpoint("plain"), b = checkpoint("one");
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.optimizer_state.buffers, b.optimizer_state.buffers);
  EXPECT_EQ(summary("plain").at("test_loss"), summary("one").at("test_loss"));
  EXPECT_EQ(summary("one").at("ranks"), 1);
}

// Same seed, another number of ranks: the batch's sums are added in another order, nothing else.
TEST_F(MpiTrain, TwoRanksAgreeWithOneToRoundingAndWithThemselvesBitForBit) {
  const auto plain = alone(train("plain", 1));
  ASSERT_EQ(plain.code, 0) << plain.describe();
  const auto two = mpirun(2, train("two", 1));
  EXPECT_JOB_OK(two);
  EXPECT_TRUE(contains(two.log, "data parallel on 2 ranks x 1 thread")) << two.log;
  EXPECT_JOB_OK(mpirun(2, train("again", 1)));
  const train::Checkpoint a = checkpoint("plain"), b = checkpoint("two");
  ASSERT_EQ(a.optimizer_state.step, 100u) << "the bound is stated after 100 steps";
  ASSERT_EQ(a.values.size(), b.values.size());
  const double worst = max_relative_difference(a.values, b.values);
  EXPECT_LE(worst, 1e-10);
  RecordProperty("max_relative_difference", fmt::format("{:.3g}", worst));
  EXPECT_EQ(checkpoint("again").values, b.values) << "same seed, same ranks: same bits";
  EXPECT_EQ(summary("two").at("ranks"), 2);
  EXPECT_EQ(summary("two").at("train_samples"), summary("plain").at("train_samples"));
  // The evaluation is sharded and its counts summed: the same confusion matrix.
  EXPECT_EQ(summary("two").at("test_confusion"), summary("plain").at("test_confusion"));
}

// Shots are drawn from streams named by the step and the row in the global batch, so two
// ranks draw what one process draws: again only the order of the sums differs.
TEST_F(MpiTrain, TwoRanksDrawTheShotsOneProcessDraws) {
  const std::vector<std::string> shots{"--set", "sim.shots=100"};
  const auto plain = alone(train("plain", 1, shots));
  ASSERT_EQ(plain.code, 0) << plain.describe();
  EXPECT_JOB_OK(mpirun(2, train("two", 1, shots)));
  const train::Checkpoint a = checkpoint("plain"), b = checkpoint("two");
  ASSERT_EQ(a.values.size(), b.values.size());
  const double worst = max_relative_difference(a.values, b.values);
  EXPECT_LE(worst, 1e-10);
  RecordProperty("max_relative_difference", fmt::format("{:.3g}", worst));
  EXPECT_EQ(summary("two").at("test_confusion"), summary("plain").at("test_confusion"));
}

// A checkpoint holds nothing of the ranks that wrote it: 2 -> 1 and 1 -> 3 continue the run.
TEST_F(MpiTrain, ARunResumesOnAnotherNumberOfRanks) {
  const auto whole = alone(train("whole", 2));
  ASSERT_EQ(whole.code, 0) << whole.describe();
  EXPECT_JOB_OK(mpirun(2, train("down", 1)));
  const auto resumed = alone({"train", "--resume", "down", "--set", "train.epochs=2"});
  ASSERT_EQ(resumed.code, 0) << resumed.describe();
  const auto up = alone(train("up", 1));
  ASSERT_EQ(up.code, 0) << up.describe();
  EXPECT_JOB_OK(mpirun(3, {"train", "--resume", "up", "--set", "train.epochs=2"}));
  for (const char* run : {"down", "up"}) {
    SCOPED_TRACE(run);
    const train::Checkpoint c = checkpoint(run);
    EXPECT_EQ(c.epochs_done, 2);
    EXPECT_LE(max_relative_difference(checkpoint("whole").values, c.values), 1e-9);
    EXPECT_EQ(testing::read_csv(tmp_.path() / run / "metrics.csv").size(), 3u);
  }
  EXPECT_EQ(summary("down").at("ranks"), 1);
  EXPECT_EQ(summary("up").at("ranks"), 3);
}

// SIGKILL of rank 1 mid-epoch: mpirun ends the job naming the rank and the signal, rank 0 with
// it, and the last checkpoint is whole; --resume (here on one process) finishes the run.
TEST_F(MpiTrain, ARankKilledMidEpochEndsTheJobAndTheRunResumes) {
  const fs::path log = tmp_.path() / "killed.log";
  testing::MpiJob job({{2, data_dir(), train("killed", 50, {"--set", "train.checkpoint_every=3"})}},
                      tmp_.path(), log);
  const fs::path ckpt = tmp_.path() / "killed" / "checkpoint.qmf";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(ckpt) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(fs::exists(ckpt)) << testing::slurp(log);
  const pid_t rank1 = testing::rank_pid(1, data_dir());
  ASSERT_GT(rank1, 0);
  ASSERT_EQ(::kill(rank1, SIGKILL), 0);
  const auto end = job.wait(std::chrono::seconds(60));
  ASSERT_FALSE(end.hung) << "the job outlived its killed rank:\n" << end.log;
  EXPECT_FALSE(end.ending.exited && end.ending.code == 0) << end.log;
  EXPECT_TRUE(contains(end.log, "rank 1")) << end.log;
  EXPECT_TRUE(contains(end.log, "signal 9")) << end.log;

  const train::Checkpoint at_kill = checkpoint("killed");  // loads: whole, CRC checked
  EXPECT_LT(at_kill.epochs_done, 50) << "killed before the run could end";
  const auto resumed = alone({"train", "--resume", "killed", "--set",
                              fmt::format("train.epochs={}", at_kill.epochs_done + 1)});
  ASSERT_EQ(resumed.code, 0) << resumed.describe();
  EXPECT_TRUE(fs::exists(tmp_.path() / "killed" / "summary.json"));
}

// A truncated data file on rank 1's node only (its own QMF_DATA): the job ends before anyone
// trains, once, naming rank 1 and the file; the run directory it had claimed is removed again.
TEST_F(MpiTrain, ABadFileOnOneRankEndsTheJobNamingTheRankAndTheFile) {
  const data::TempDir other("qmf-mpi-bad");
  testing::write_fake_mnist(other.path(), 2000, 100);
  const fs::path labels = other.path() / "mnist" / "train-labels-idx1-ubyte";
  fs::resize_file(labels, 100);
  const auto args = train("bad", 1);
  const auto end = testing::run_mpi({{1, data_dir(), args}, {1, other.path(), args}}, tmp_.path());
  ASSERT_FALSE(end.hung) << end.log;
  EXPECT_TRUE(end.ending.exited && end.ending.code == 1) << end.log;
  EXPECT_TRUE(contains(end.log, "qmf: error: rank 1 of 2: ")) << end.log;
  EXPECT_TRUE(contains(end.log, labels.string())) << end.log;
  EXPECT_FALSE(fs::exists(tmp_.path() / "bad"));
}

// A bad setting is the same mistake on every rank: said once, exit code 2, nothing trained.
TEST_F(MpiTrain, AUsageErrorIsReportedOnceWithItsExitCode) {
  const auto end = mpirun(2, train("never", 1, {"--set", "train.batch=0"}));
  ASSERT_FALSE(end.hung) << end.log;
  EXPECT_TRUE(end.ending.exited && end.ending.code == 2) << end.log;
  const std::string said = "qmf: error: --set train.batch=0";
  const size_t first = end.log.find(said);
  ASSERT_NE(first, std::string::npos) << end.log;
  EXPECT_EQ(end.log.find(said, first + 1), std::string::npos) << "said twice:\n" << end.log;
  EXPECT_FALSE(fs::exists(tmp_.path() / "never"));
}

// Commands other than train and compare would run once per rank, each writing the same files.
TEST_F(MpiTrain, OtherCommandsRefuseToRunOncePerRank) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"config"},
        std::vector<std::string>{"bench", "--seconds", "0.01"}}) {
    const auto end = mpirun(2, args);
    ASSERT_FALSE(end.hung) << end.log;
    EXPECT_TRUE(end.ending.exited && end.ending.code == 2) << end.log;
    const size_t first = end.log.find("qmf: error: qmf ");
    ASSERT_NE(first, std::string::npos) << end.log;
    EXPECT_EQ(end.log.find("qmf: error:", first + 1), std::string::npos) << "said twice:\n"
                                                                         << end.log;
  }
}

// SIGTERM to mpirun (as Slurm sends at a time limit) reaches every rank; they agree on the step
// to stop at, rank 0 saves it and says so once, and the run resumes from there.
TEST_F(MpiTrain, SigtermStopsEveryRankAtOneStepWithACheckpoint) {
  const fs::path log = tmp_.path() / "term.log";
  testing::MpiJob job({{2, data_dir(), train("term", 100000)}}, tmp_.path(), log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!contains(testing::slurp(log), "params") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(job.pid(), SIGTERM);
  const auto end = job.wait(std::chrono::seconds(60));
  ASSERT_FALSE(end.hung) << end.log;
  const std::string said = "qmf: stopped by SIGTERM";
  const size_t first = end.log.find(said);
  ASSERT_NE(first, std::string::npos) << end.log;
  EXPECT_EQ(end.log.find(said, first + 1), std::string::npos) << "said twice:\n" << end.log;
  EXPECT_TRUE(contains(end.log, "which the checkpoint holds")) << end.log;
  const train::Checkpoint at_stop = checkpoint("term");
  const auto resumed = alone({"train", "--resume", "term", "--set",
                              fmt::format("train.epochs={}", at_stop.epochs_done + 1)});
  ASSERT_EQ(resumed.code, 0) << resumed.describe();
}

}  // namespace
}  // namespace qmf
