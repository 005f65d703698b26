// The QMFNN on a noisy device (model/quantum_head.h): whole-model gradients through density
// matrices and readout error against finite differences, for every encoding and readout; a noise
// model without channels keeps the noiseless path bit for bit; shots estimate the marginal, and
// training on them approaches the exact gradient.
#include <gtest/gtest.h>

#include "support/model_gradient.h"

#include <cmath>

#include "core/rng.h"
#include "model/qmfnn.h"
#include "noise/noise_model.h"

namespace qmf::model {
namespace {

noise::NoiseModel device() {
  noise::NoiseModel m;
  m.after_one_qubit = {{noise::ChannelKind::depolarizing, 0.02},
                       {noise::ChannelKind::amplitude_damping, 0.03}};
  m.after_two_qubit = {{noise::ChannelKind::depolarizing2, 0.05},
                       {noise::ChannelKind::phase_damping, 0.02}};
  m.readout = {0.02, 0.04};
  return m;
}

QmfnnSpec spec(Encoding encoding, Readout readout, noise::NoiseModel noise, uint64_t shots = 0) {
  return {.dims = {6, 5},
          .classes = 3,
          .settings = {.k = {2, 2},
                       .encoding = encoding,
                       .ffn_hidden = {4},
                       .ffn_activation = nn::Activation::tanh,
                       .readout = readout},
          .threads = 1,
          .noise = std::move(noise),
          .shots = shots,
          .shot_seed = 9};
}

std::vector<nn::Matrix> inputs(Rng& rng, Eigen::Index batch) {
  std::vector<nn::Matrix> x{nn::Matrix(batch, 6), nn::Matrix(batch, 5)};
  for (auto& m : x)
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  return x;
}

TEST(NoisyQmfnn, GradientsMatchFiniteDifferencesForEveryEncodingAndReadout) {
  for (Encoding e : {Encoding::amplitude, Encoding::belief, Encoding::angle})
    for (Readout r : {Readout::probs, Readout::expval}) {
      SCOPED_TRACE(std::string(name_of(e)) + " " + std::string(name_of(r)));
      auto model = make_qmfnn(spec(e, r, device()));
      Rng rng(5);
      model->init(rng);
      testing::expect_model_gradients_match(*model, inputs(rng, 4), {0, 2, 1, 2});
    }
}

TEST(NoisyQmfnn, ChannelsOfStrengthZeroKeepTheNoiselessPathBitForBit) {
  noise::NoiseModel zero = device();
  for (auto* list : {&zero.after_one_qubit, &zero.after_two_qubit})
    for (noise::Channel& c : *list) c.p = 0;
  zero.readout = {};
  auto plain = make_qmfnn(spec(Encoding::amplitude, Readout::probs, {}));
  auto zeroed = make_qmfnn(spec(Encoding::amplitude, Readout::probs, zero));
  Rng a(3), b(3);
  plain->init(a);
  zeroed->init(b);
  const std::vector<nn::Matrix> x = inputs(a, 6);
  const std::vector<int> y{0, 1, 2, 0, 1, 2};
  nn::Matrix p1, p2;
  EXPECT_EQ(plain->forward(x, y, p1, Pass::train), zeroed->forward(x, y, p2, Pass::train));
  EXPECT_TRUE(p1 == p2);
  plain->backward();
  zeroed->backward();
  EXPECT_TRUE(std::equal(plain->arena().grads().begin(), plain->arena().grads().end(),
                         zeroed->arena().grads().begin()));
}

TEST(NoisyQmfnn, NoiseLowersTheConfidenceOfTheSameParameters) {
  auto plain = make_qmfnn(spec(Encoding::amplitude, Readout::probs, {}));
  auto noisy = make_qmfnn(spec(Encoding::amplitude, Readout::probs, device()));
  Rng a(8), b(8);
  plain->init(a);
  noisy->init(b);
  const std::vector<nn::Matrix> x = inputs(a, 8);
  nn::Matrix p1, p2;
  plain->forward(x, std::vector<int>(8, 0), p1);
  noisy->forward(x, std::vector<int>(8, 0), p2);
  // Channels pull every state toward a mixture: the class distribution flattens.
  double spread_plain = 0, spread_noisy = 0;
  for (Eigen::Index r = 0; r < 8; ++r) {
    spread_plain += p1.row(r).maxCoeff() - p1.row(r).minCoeff();
    spread_noisy += p2.row(r).maxCoeff() - p2.row(r).minCoeff();
    EXPECT_NEAR(p2.row(r).sum(), 1.0, 1e-12);
  }
  EXPECT_LT(spread_noisy, spread_plain);
}

TEST(NoisyQmfnn, ShotsEstimateTheMarginalReproducibly) {
  constexpr uint64_t kShots = 50;
  auto exact = make_qmfnn(spec(Encoding::amplitude, Readout::probs, {}));
  auto shots = make_qmfnn(spec(Encoding::amplitude, Readout::probs, {}, kShots));
  auto again = make_qmfnn(spec(Encoding::amplitude, Readout::probs, {}, kShots));
  Rng a(4), b(4), c(4);
  exact->init(a);
  shots->init(b);
  again->init(c);
  const std::vector<nn::Matrix> x = inputs(a, 7);
  const std::vector<int> y(7, 1);
  nn::Matrix pe, ps, pa;
  for (const Pass pass : {Pass::evaluate, Pass::train}) {
    exact->forward(x, y, pe, pass);
    shots->place_draws(3);
    shots->forward(x, y, ps, pass);
    again->place_draws(3);
    again->forward(x, y, pa, pass);
    EXPECT_TRUE(ps == pa) << "the same seed and streams give the same estimates";
    EXPECT_FALSE(ps == pe) << "50 shots are not the exact marginal";
    for (Eigen::Index r = 0; r < 7; ++r) EXPECT_NEAR(ps.row(r).sum(), 1.0, 1e-12);
  }
  again->place_draws(4);
  again->forward(x, y, pa);
  EXPECT_FALSE(ps == pa) << "other streams give other estimates";
}

// Training on shots: the whole model's gradient (FFNs through the encoding's preparation gates,
// circuit angles, the expval layer) from 10^8-shot estimates is the exact gradient up to the
// estimates' noise, for every encoding and readout, through density matrices and readout error.
TEST(NoisyQmfnn, ShotGradientsApproachTheExactGradient) {
  for (Encoding e : {Encoding::amplitude, Encoding::belief, Encoding::angle})
    for (Readout r : {Readout::probs, Readout::expval}) {
      SCOPED_TRACE(std::string(name_of(e)) + " " + std::string(name_of(r)));
      auto exact = make_qmfnn(spec(e, r, device()));
      auto shots = make_qmfnn(spec(e, r, device(), 100'000'000));
      Rng a(6), b(6);
      exact->init(a);
      shots->init(b);
      const std::vector<nn::Matrix> x = inputs(a, 4);
      const std::vector<int> y{0, 2, 1, 2};
      nn::Matrix p;
      exact->forward(x, y, p, Pass::train);
      exact->backward();
      shots->forward(x, y, p, Pass::train);
      shots->backward();
      const auto want = exact->arena().grads(), got = shots->arena().grads();
      double diff = 0, norm = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        diff += (got[i] - want[i]) * (got[i] - want[i]);
        norm += want[i] * want[i];
      }
      // Measured 4e-4 to 1e-2 at this seed, falling as 1/sqrt(shots); a wrong term gives O(1).
      EXPECT_LT(std::sqrt(diff / norm), 0.05);
    }
}

}  // namespace
}  // namespace qmf::model
