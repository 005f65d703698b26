// `mpirun -np N qmf compare` (train/compare.h, run_study), run for real: the runs spread over the
// ranks give the files and table of the sequential study, and a distributed study killed
// part-way resumes with the runs it had finished.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "dist/launch.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/mpi_job.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/checkpoint.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

class MpiCompare : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-mpi-compare-data");
    testing::write_fake_mnist(data_->path(), 400, 100);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  void SetUp() override {
    if (!dist::built_with_mpi()) GTEST_SKIP() << "this qmf is built without MPI";
  }

  // Two models x `seeds` seeds on the generated data (QMF_DATA), one thread each.
  fs::path study(const std::string& seeds, int epochs) const {
    const fs::path file = tmp_.path() / "study.toml";
    testing::write_text(file, "seeds = [" + seeds + R"(]
[base]
"data.view" = "mnist/split-h2"
"data.classes" = [0, 1, 2, 3]
"model.k" = [2]
"train.batch" = 8
"train.threads" = 1
"train.epochs" = )" + std::to_string(epochs) +
                                  R"(
[[models]]
name = "qmfnn"
set = { "model.kind" = "qmfnn" }
[[models]]
name = "early"
set = { "model.kind" = "early", "model.hidden" = [16] }
)");
    return file;
  }
  std::vector<std::string> compare(const fs::path& file, const std::string& out) const {
    return {"compare", "--config", file.string(), "--out", out};
  }

  static inline data::TempDir* data_ = nullptr;
  data::TempDir tmp_{"qmf-mpi-compare"};
};

// compare.csv without its last column (seconds, which no two studies share).
std::vector<std::vector<std::string>> results_of(const fs::path& csv) {
  std::vector<std::vector<std::string>> rows = testing::read_csv(csv);
  for (auto& row : rows) row.pop_back();
  return rows;
}

TEST_F(MpiCompare, RunsSpreadOverTheRanksGiveTheSequentialStudy) {
  const fs::path file = study("0, 1", 2);
  const auto sequential = testing::run_qmf(compare(file, "seq"), tmp_.path(), data_->path());
  ASSERT_EQ(sequential.code, 0) << sequential.describe();
  const auto spread = testing::run_mpi({{2, data_->path(), compare(file, "par")}}, tmp_.path());
  ASSERT_FALSE(spread.hung) << spread.log;
  ASSERT_TRUE(spread.ending.exited && spread.ending.code == 0) << spread.log;
  EXPECT_TRUE(testing::contains(spread.log, "rank 1: [")) << "rank 1 trained runs:\n" << spread.log;
  ASSERT_EQ(testing::read_csv(tmp_.path() / "par" / "compare.csv").front().back(), "seconds");
  EXPECT_EQ(results_of(tmp_.path() / "seq" / "compare.csv"),
            results_of(tmp_.path() / "par" / "compare.csv"));
  for (const char* run : {"qmfnn-s0", "qmfnn-s1", "early-s0", "early-s1"}) {
    SCOPED_TRACE(run);
    const auto a = train::load_checkpoint(tmp_.path() / "seq" / "runs" / run / "checkpoint.qmf");
    const auto b = train::load_checkpoint(tmp_.path() / "par" / "runs" / run / "checkpoint.qmf");
    EXPECT_EQ(a.values, b.values);
    EXPECT_TRUE(fs::exists(tmp_.path() / "par" / "runs" / run / "curves.png"));
  }
}

TEST_F(MpiCompare, AKilledStudyResumesWithTheRunsItFinished) {
  const fs::path file = study("0, 1, 2", 30);
  const fs::path first = tmp_.path() / "study" / "runs" / "qmfnn-s0" / "summary.json";
  {
    testing::MpiJob job({{2, data_->path(), compare(file, "study")}}, tmp_.path(),
                        tmp_.path() / "killed.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(first) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(fs::exists(first)) << testing::slurp(tmp_.path() / "killed.log");
    ::kill(-job.pid(), SIGKILL);  // the whole job at once, as a lost allocation ends it
    job.wait(std::chrono::seconds(60));
  }
  EXPECT_FALSE(fs::exists(tmp_.path() / "study" / "compare.csv")) << "killed before the end";
  const std::string finished = testing::slurp(first);
  const auto resumed = testing::run_mpi({{2, data_->path(), compare(file, "study")}}, tmp_.path());
  ASSERT_FALSE(resumed.hung) << resumed.log;
  ASSERT_TRUE(resumed.ending.exited && resumed.ending.code == 0) << resumed.log;
  EXPECT_FALSE(testing::contains(resumed.log, "[1/6] qmfnn seed 0")) << "trained again";
  EXPECT_EQ(testing::slurp(first), finished);
  EXPECT_EQ(testing::read_csv(tmp_.path() / "study" / "compare.csv").size(), 7u);
}

}  // namespace
}  // namespace qmf
