// Every thread count gives the same bits (docs/ENGINE.md, "Threads"): one batch's gradients in
// one process, and whole `qmf train` runs in separate processes, for train.threads = 1, 2, 3
// (more threads than this machine may have cores: the schedule must not matter either).
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng.h"
#include "data/batch.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"
#include "train/run.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

constexpr int kThreadCounts[] = {1, 2, 3};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

class ThreadDeterminism : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-thread-data");
    testing::write_fake_mnist(data_->path(), 96, 32);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }

  // The loss gradient of the first `batch` training samples, set up as a training run on
  // `threads` threads sets itself up.
  static std::vector<double> batch_gradient(Config c, int threads, size_t batch) {
    c.train.threads = threads;
    use_threads(c);
    const data::Multimodal d = load_data(c);
    const auto model = make_model(c, d);
    Rng rng(c.train.seed);
    model->init(rng);
    std::vector<size_t> idx(batch);
    for (size_t i = 0; i < batch; ++i) idx[i] = i;
    std::vector<nn::Matrix> x;
    std::vector<int> y;
    nn::Matrix probs;
    data::gather(d.train, idx, x, y);
    model->forward(x, y, probs);
    model->backward();
    const auto g = std::as_const(*model).arena().grads();
    return {g.begin(), g.end()};
  }

  static void expect_same_gradients(const Config& c, size_t batch) {
    const std::vector<double> one = batch_gradient(c, 1, batch);
    for (int threads : kThreadCounts) {
      SCOPED_TRACE(threads);
      EXPECT_TRUE(same_bits(batch_gradient(c, threads, batch), one));
    }
  }

  static Config config() { return testing::small_config(data_->path(), 2); }

  // checkpoint.qmf's parameters and metrics.csv's rows but the seconds column, after a
  // `qmf train` run on `threads` threads.
  struct Trained {
    std::vector<double> values;
    std::vector<std::string> metrics;
  };
  Trained train_cli(const std::vector<std::string>& sets, int threads) const {
    const fs::path out = runs_.path() / ("t" + std::to_string(threads));
    std::vector<std::string> args{"train", "--out", out.string()};
    for (const std::string& set :
         {"data.dir=" + data_->path().string(), std::string("data.classes=[0,1,2,3]"),
          std::string("train.epochs=2"), std::string("train.batch=16"), std::string("train.seed=5"),
          "train.threads=" + std::to_string(threads)}) {
      args.push_back("--set");
      args.push_back(set);
    }
    for (const std::string& set : sets) {
      args.push_back("--set");
      args.push_back(set);
    }
    const testing::CommandResult r = testing::run_qmf(args, runs_.path(), data_->path());
    EXPECT_EQ(r.code, 0) << r.describe();
    Trained t;
    t.values = load_checkpoint(out / "checkpoint.qmf").values;
    for (auto row : testing::read_csv(out / "metrics.csv")) {
      row.erase(row.begin() + 5);  // seconds
      for (const std::string& cell : row) t.metrics.push_back(cell);
    }
    fs::remove_all(out);
    return t;
  }

  void expect_same_runs(const std::vector<std::string>& sets) const {
    const Trained one = train_cli(sets, 1);
    ASSERT_FALSE(one.values.empty());
    for (int threads : kThreadCounts) {
      SCOPED_TRACE(threads);
      const Trained other = train_cli(sets, threads);
      EXPECT_TRUE(same_bits(other.values, one.values));
      EXPECT_EQ(other.metrics, one.metrics);
    }
  }

  static data::TempDir* data_;
  data::TempDir runs_{"qmf-thread-runs"};
};

data::TempDir* ThreadDeterminism::data_ = nullptr;

// The FFN products are big enough (16 x 392 x 64) for Eigen to split them over threads.
TEST_F(ThreadDeterminism, QmfnnBatchGradientIsTheSameOnAnyThreadCount) {
  Config c = config();
  c.model.ffn_hidden = {64};
  expect_same_gradients(c, 16);
}

TEST_F(ThreadDeterminism, EarlyFusionBatchGradientIsTheSameOnAnyThreadCount) {
  Config c = config();
  c.model.kind = "early";
  expect_same_gradients(c, 16);
}

// 14 qubits and fewer samples than threads: the simulator splits every gate's amplitudes over
// the threads instead of the samples, and reduces per fixed segment.
TEST_F(ThreadDeterminism, SplitAmplitudeGradientIsTheSameOnAnyThreadCount) {
  Config c = config();
  c.model.k = {7};
  expect_same_gradients(c, 2);
}

TEST_F(ThreadDeterminism, QmfnnTrainingRunsAreTheSameOnAnyThreadCount) {
  expect_same_runs({"model.k=[3]", "model.ffn_hidden=[64]"});
}

TEST_F(ThreadDeterminism, EarlyFusionTrainingRunsAreTheSameOnAnyThreadCount) {
  expect_same_runs({"model.kind=early"});
}

}  // namespace
}  // namespace qmf::train
