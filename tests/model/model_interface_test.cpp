// The forward/backward contract of model.h, for every model kind: forward() leaves the
// gradients alone, backward() overwrites them (stale values do not leak in) and comes once per
// forward().
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "model/baselines.h"
#include "model/evidential.h"
#include "model/qmfnn.h"

namespace qmf::model {
namespace {

struct Kind {
  const char* name;
  std::function<std::unique_ptr<Model>()> make;
};

const std::vector<size_t> kDims{6, 5};

std::vector<Kind> kinds() {
  const BaselineSpec baseline{.dims = kDims, .classes = 3, .hidden = {4}, .fusion_dim = 3};
  const QmfnnSpec qmfnn{
      .dims = kDims, .classes = 3, .settings = {.k = {2, 2}, .ffn_hidden = {4}}, .threads = 1};
  return {{"qmfnn", [=] { return make_qmfnn(qmfnn); }},
          {"qmfnn-expval",
           [=] {
             QmfnnSpec s = qmfnn;
             s.settings.readout = Readout::expval;
             return make_qmfnn(s);
           }},
          {"evidential", [=] { return make_evidential(qmfnn); }},
          {"qmfnn-classical", [=] { return make_qmfnn_classical(qmfnn); }},
          {"early", [=] { return make_early(baseline); }},
          {"late", [=] { return make_late(baseline); }},
          {"lmf", [=] { return make_lmf(baseline); }},
          {"tfn", [=] { return make_tfn(baseline); }}};
}

class ModelInterface : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    model_ = kinds()[GetParam()].make();
    Rng rng(3);
    model_->init(rng);
    for (size_t d : kDims) {
      x_.emplace_back(4, static_cast<nn::Index>(d));
      for (nn::Index i = 0; i < x_.back().size(); ++i) x_.back().data()[i] = rng.normal();
    }
  }

  std::vector<double> grads() const {
    const auto g = std::as_const(*model_).arena().grads();
    return {g.begin(), g.end()};
  }
  void fill_grads(double v) {
    for (double& g : model_->arena().grads()) g = v;
  }

  static bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
  }

  std::unique_ptr<Model> model_;
  std::vector<nn::Matrix> x_;
  const std::vector<int> y_{0, 2, 1, 1};
  nn::Matrix probs_;
};

TEST_P(ModelInterface, ForwardLeavesTheGradientsAlone) {
  fill_grads(0.25);
  const std::vector<double> before = grads();
  model_->forward(x_, y_, probs_);
  EXPECT_TRUE(same_bits(grads(), before));
}

TEST_P(ModelInterface, BackwardOverwritesTheGradients) {
  model_->forward(x_, y_, probs_);
  model_->backward();
  const std::vector<double> clean = grads();
  fill_grads(7.0);
  model_->forward(x_, y_, probs_);
  model_->backward();
  EXPECT_TRUE(same_bits(grads(), clean));
}

TEST_P(ModelInterface, ASecondBackwardWithoutAForwardIsRefused) {
  EXPECT_THROW(model_->backward(), std::logic_error);
  model_->forward(x_, y_, probs_);
  model_->backward();
  const std::vector<double> once = grads();
  EXPECT_THROW(model_->backward(), std::logic_error);
  EXPECT_TRUE(same_bits(grads(), once));
}

TEST_P(ModelInterface, BackwardFollowsTheLastForward) {
  model_->forward(x_, y_, probs_);
  model_->backward();
  const std::vector<double> first = grads();
  std::vector<nn::Matrix> other = x_;
  for (auto& m : other) m *= -0.5;
  model_->forward(other, y_, probs_);
  model_->backward();
  EXPECT_FALSE(same_bits(grads(), first));
  model_->forward(x_, y_, probs_);
  model_->backward();
  EXPECT_TRUE(same_bits(grads(), first));
}

TEST_P(ModelInterface, OnlyTheEntanglingQmfnnHasAProbe) {
  const std::string name = kinds()[GetParam()].name;
  EXPECT_EQ(model_->probe() != nullptr, name == "qmfnn" || name == "qmfnn-expval") << name;
}

INSTANTIATE_TEST_SUITE_P(EveryKind, ModelInterface, ::testing::Range(size_t{0}, kinds().size()),
                         [](const auto& info) {
                           std::string name = kinds()[info.param].name;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace qmf::model
