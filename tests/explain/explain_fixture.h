#pragma once
// A small QMFNN (3 classes of the generated data, k = 3 per register, 6 qubits) trained for one
// epoch, loaded back as `qmf explain` loads a run, and its explanation: shared by the explain
// tests, made once per test process.
#include <memory>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "data/batch.h"
#include "data/fetch/temp_dir.h"
#include "explain/explanation.h"
#include "model/qmfnn_probe.h"
#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/run.h"
#include "train/trained_run.h"

namespace qmf::testing {

class ExplainFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new data::TempDir("qmf-explain-test");
    write_fake_mnist(data_dir());
    QuietProgress progress;
    Config c = small_config(data_dir(), 1);
    // Three classes on r = 2 readout qubits: the probs readout renormalises over 3 of the 4
    // outcomes, so averaging class probabilities would differ from reading out averaged
    // distributions, and the mixed-state tests can tell which one is computed.
    c.data.classes = {0, 1, 2};
    c.model.readout = Readout::probs;
    train::train_new(c, dir_->path() / "run", progress);
    run_ = new train::TrainedRun(train::load_trained(dir_->path() / "run", {}, "explain"));
    explanation_ = new explain::Explanation(explain::explain(probe(), test()));
  }
  static void TearDownTestSuite() {
    delete explanation_;
    delete run_;
    delete dir_;
    explanation_ = nullptr;
    run_ = nullptr;
    dir_ = nullptr;
  }

  static std::filesystem::path data_dir() { return dir_->path() / "data"; }
  static train::TrainedRun& run() { return *run_; }
  static model::Model& model() { return *run_->model; }
  static model::QmfnnProbe& probe() {
    model::QmfnnProbe* p = run_->model->probe();
    if (p == nullptr) throw std::logic_error("the fixture's run is not an entangling qmfnn");
    return *p;
  }
  static const data::Split& test() { return run_->data.test; }
  static const explain::Explanation& explanation() { return *explanation_; }

  // Test samples [first, first + count) as model inputs and labels.
  static void samples(size_t first, size_t count, std::vector<nn::Matrix>& x, std::vector<int>& y) {
    std::vector<size_t> idx(count);
    std::iota(idx.begin(), idx.end(), first);
    data::gather(test(), idx, x, y);
  }

 private:
  static inline data::TempDir* dir_ = nullptr;
  static inline train::TrainedRun* run_ = nullptr;
  static inline explain::Explanation* explanation_ = nullptr;
};

}  // namespace qmf::testing
