// Whole-model gradients (FFN + encoding + circuit + readout) against central finite
// differences, for every encoding x readout (thresholds of docs/MODEL.md).
#include <gtest/gtest.h>

#include "support/model_gradient.h"

#include <cmath>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/qmfnn.h"

namespace qmf::model {
namespace {

struct Case {
  Encoding encoding;
  Readout readout;
  nn::Activation activation;
  bool share;
  ConvBlock conv;
};

// "amplitude_probs_relu_shared_conv6".
std::string case_name(const Case& c) {
  return fmt::format("{}_{}_{}_{}_{}", name_of(c.encoding), name_of(c.readout),
                     name_of(c.activation), c.share ? "shared" : "unshared", name_of(c.conv));
}
void PrintTo(const Case& c, std::ostream* os) { *os << case_name(c); }

class QmfnnGradient : public ::testing::TestWithParam<Case> {};

TEST_P(QmfnnGradient, MatchesFiniteDifferences) {
  const Case c = GetParam();
  auto model = make_qmfnn({.dims = {6, 5},
                           .classes = 3,
                           .settings = {.k = {2, 3},
                                        .encoding = c.encoding,
                                        .ffn_hidden = {4},
                                        .ffn_activation = c.activation,
                                        .qcnn_share = c.share,
                                        .conv_block = c.conv,
                                        .readout = c.readout},
                           .threads = 1});
  Rng rng(11);
  model->init(rng);
  const Eigen::Index batch = 5;
  std::vector<nn::Matrix> x{nn::Matrix(batch, 6), nn::Matrix(batch, 5)};
  for (auto& m : x)
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  const std::vector<int> y{0, 2, 1, 1, 2};
  testing::expect_model_gradients_match(*model, x, y);
}

INSTANTIATE_TEST_SUITE_P(
    EveryEncodingAndReadout, QmfnnGradient,
    ::testing::Values(
        Case{Encoding::amplitude, Readout::probs, nn::Activation::relu, true, ConvBlock::conv6},
        Case{Encoding::amplitude, Readout::expval, nn::Activation::tanh, true, ConvBlock::conv6},
        Case{Encoding::belief, Readout::probs, nn::Activation::tanh, false, ConvBlock::conv6},
        Case{Encoding::belief, Readout::expval, nn::Activation::relu, true, ConvBlock::su4},
        Case{Encoding::angle, Readout::probs, nn::Activation::tanh, true, ConvBlock::su4},
        Case{Encoding::angle, Readout::expval, nn::Activation::tanh, false, ConvBlock::conv6}),
    [](const auto& info) { return case_name(info.param); });

TEST(QmfnnModel, ParameterCountsSplitClassicalAndQuantum) {
  auto model =
      make_qmfnn({.dims = {392, 392}, .classes = 10, .settings = {.k = {4, 4}}, .threads = 1});
  const auto counts = model->arena().counts();
  // FFNs 2 x (392*16 + 16) and the expval head (4 -> 10); fusion 2 x (2*8 + 2*4); conv(8) 6,
  // pool 2, conv(4) 6.
  EXPECT_EQ(counts.classical, 2u * (392 * 16 + 16) + (4 * 10 + 10));
  EXPECT_EQ(counts.quantum, 2u * (16 + 8) + 6 + 2 + 6);
  EXPECT_EQ(model->qubits(), 8);
}

TEST(QmfnnModel, ProbabilitiesAreDistributions) {
  for (Readout r : {Readout::probs, Readout::expval}) {
    auto model = make_qmfnn(
        {.dims = {3, 3}, .classes = 3, .settings = {.k = {2, 2}, .readout = r}, .threads = 1});
    Rng rng(3);
    model->init(rng);
    std::vector<nn::Matrix> x{nn::Matrix::Random(4, 3), nn::Matrix::Random(4, 3)};
    nn::Matrix probs;
    const double loss = model->forward(x, std::vector<int>{0, 1, 2, 0}, probs);
    EXPECT_TRUE(std::isfinite(loss));
    for (Eigen::Index b = 0; b < 4; ++b) {
      EXPECT_NEAR(probs.row(b).sum(), 1.0, 1e-12);
      EXPECT_GE(probs.row(b).minCoeff(), 0.0);
    }
  }
}

TEST(QmfnnModel, TooFewQubitsForTheClassesIsAUsageError) {
  EXPECT_THROW(make_qmfnn({.dims = {3}, .classes = 10, .settings = {.k = {3}}}), UsageError);
}

}  // namespace
}  // namespace qmf::model
