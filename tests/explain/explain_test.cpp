// qmf explain's computations against independent ones through the probe and the model: the fused
// probabilities, both ablations (the mixed one also by a dense density-matrix computation), the
// register entropies, and registers that carry nothing.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/rng.h"
#include "data/batch.h"
#include "explain/explanation.h"
#include "explain_fixture.h"
#include "model/qmfnn_probe.h"
#include "support/dense_reference.h"
#include "train/model_factory.h"
#include "train/run.h"

namespace qmf {
namespace {

using model::QmfnnProbe;
using Registers = QmfnnProbe::Registers;
using qmf::testing::ExplainFixture;
using sim::cplx;

constexpr double kFloor = 1e-10;  // the attribution's log floor

class ExplainTest : public ExplainFixture {};

int argmax_row(const nn::Matrix& p, nn::Index row) {
  nn::Index best = 0;
  p.row(row).maxCoeff(&best);
  return static_cast<int>(best);
}

// Sample b of every register, as one-sample registers.
Registers one_sample(const Registers& regs, const std::vector<int>& k, size_t b) {
  Registers out;
  for (size_t m = 0; m < regs.size(); ++m) {
    const size_t w = size_t{1} << k[m];
    out.emplace_back(regs[m].begin() + static_cast<long>(b * w),
                     regs[m].begin() + static_cast<long>((b + 1) * w));
  }
  return out;
}

// The probs readout written out: p_c = P(c) / sum_{c' < C} P(c').
double class_probability(const nn::Matrix& marginal, nn::Index row, int c, int classes) {
  return marginal(row, c) / marginal.row(row).head(classes).sum();
}

TEST_F(ExplainTest, FusedProbabilitiesAndPredictionsAreTheModels) {
  const auto& e = explanation();
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  samples(0, test().size(), x, y);
  nn::Matrix probs;
  model().forward(x, y, probs);
  ASSERT_EQ(e.samples(), test().size());
  ASSERT_EQ(e.probs.rows(), probs.rows());
  ASSERT_EQ(e.probs.cols(), probs.cols());
  EXPECT_LT((e.probs - probs).cwiseAbs().maxCoeff(), 1e-12);
  for (size_t i = 0; i < e.samples(); ++i) {
    EXPECT_EQ(e.label[i], y[i]);
    EXPECT_EQ(e.prediction[i], argmax_row(probs, static_cast<nn::Index>(i)));
  }
}

TEST_F(ExplainTest, UniformAblationMatchesARegisterSwappedByHand) {
  const auto& e = explanation();
  const auto& k = probe().spec().settings.k;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  samples(0, test().size(), x, y);
  const Registers regs = probe().registers(x);
  nn::Matrix marginal, p, ablated;
  probe().run_from(regs, marginal, p);
  for (size_t m = 0; m < k.size(); ++m) {
    Registers swapped = regs;
    const double a = 1 / std::sqrt(static_cast<double>(size_t{1} << k[m]));
    std::fill(swapped[m].begin(), swapped[m].end(), cplx(a, 0));
    probe().run_from(swapped, marginal, ablated);
    for (size_t i = 0; i < e.samples(); ++i) {
      const auto row = static_cast<nn::Index>(i), col = static_cast<nn::Index>(m);
      const double expected =
          std::log(p(row, y[i]) + kFloor) - std::log(ablated(row, y[i]) + kFloor);
      EXPECT_NEAR(e.attribution_uniform(row, col), expected, 1e-12) << "sample " << i << " m " << m;
      EXPECT_EQ(e.prediction_ablated(row, col), argmax_row(ablated, row));
    }
  }
  // The modalities matter to a trained model: ablating them changes something.
  EXPECT_GT(e.attribution_uniform.cwiseAbs().maxCoeff(), 1e-3);
}

TEST_F(ExplainTest, MixedAblationAveragesTheOutputsOfEveryBasisState) {
  ASSERT_EQ(probe().spec().settings.readout, Readout::probs);
  const auto& e = explanation();
  const auto& k = probe().spec().settings.k;
  const int classes = probe().spec().classes;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  samples(0, 8, x, y);
  const Registers regs = probe().registers(x);
  nn::Matrix marginal, probs;
  double largest_gap = 0;  // between the mixed state's p(y) and the mean of the p(y | j)
  for (size_t b = 0; b < 8; ++b) {
    const Registers sample = one_sample(regs, k, b);
    probe().run_from(sample, marginal, probs);
    const double p = probs(0, y[b]);
    for (size_t m = 0; m < k.size(); ++m) {
      const size_t states = size_t{1} << k[m];
      nn::Matrix mean = nn::Matrix::Zero(1, marginal.cols());
      double mean_class_probability = 0;
      for (size_t j = 0; j < states; ++j) {
        Registers basis = sample;
        std::fill(basis[m].begin(), basis[m].end(), cplx(0));
        basis[m][j] = 1;
        probe().run_from(basis, marginal, probs);
        mean += marginal / static_cast<double>(states);
        mean_class_probability += probs(0, y[b]) / static_cast<double>(states);
      }
      const double mixed = class_probability(mean, 0, y[b], classes);
      int best = 0;
      for (int c = 1; c < classes; ++c)
        if (mean(0, c) > mean(0, best)) best = c;
      EXPECT_EQ(e.prediction_mixed(static_cast<nn::Index>(b), static_cast<nn::Index>(m)), best);
      largest_gap = std::max(largest_gap, std::abs(mixed - mean_class_probability));
      EXPECT_NEAR(e.attribution_mixed(static_cast<nn::Index>(b), static_cast<nn::Index>(m)),
                  std::log(p + kFloor) - std::log(mixed + kFloor), 1e-10)
          << "sample " << b << " m " << m;
    }
  }
  // With 3 classes on 4 outcomes the readout renormalises, so the mean of the class
  // probabilities is not the mixed state's: the checks above could tell the two apart.
  EXPECT_GT(largest_gap, 1e-6);
}

// rho_out = U (rho_1 (x) ... (x) rho_M) U^dagger with register m maximally mixed, by dense
// matrices, and the class probability read from its diagonal.
TEST_F(ExplainTest, MixedAblationMatchesADensityMatrixComputation) {
  const auto& qc = probe().qmf_circuit();
  ASSERT_EQ(qc.encoding_gates, 0u);  // amplitude encoding: the circuit starts at the fusion block
  const auto& k = probe().spec().settings.k;
  const int classes = probe().spec().classes;
  const sim::Circuit& circuit = qc.circuit;
  const int n = circuit.qubits();
  const auto dim = Eigen::Index{1} << n;
  sim::MatrixC u = sim::MatrixC::Identity(dim, dim);
  for (const sim::Gate& g : circuit.gates()) {
    const int width = sim::info(g.kind).qubits;
    const std::vector<int> q(g.qubits.begin(), g.qubits.begin() + width);
    u = testing::full_operator(n, circuit.matrix(g, probe().angles().data(), nullptr), q) * u;
  }
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  samples(0, 3, x, y);
  const Registers regs = probe().registers(x);
  for (size_t b = 0; b < 3; ++b) {
    for (size_t m = 0; m < k.size(); ++m) {
      std::vector<sim::MatrixC> parts;
      for (size_t r = 0; r < k.size(); ++r) {
        const auto w = Eigen::Index{1} << k[r];
        if (r == m) {
          parts.push_back(sim::MatrixC::Identity(w, w) / static_cast<double>(w));
          continue;
        }
        testing::VectorC psi(w);
        for (Eigen::Index i = 0; i < w; ++i) psi(i) = regs[r][b * static_cast<size_t>(w) + i];
        parts.push_back(psi * psi.adjoint());
      }
      const sim::MatrixC rho = u * testing::kron_all(parts) * u.adjoint();
      nn::Matrix marginal = nn::Matrix::Zero(1, Eigen::Index{1} << qc.readout.size());
      for (Eigen::Index a = 0; a < dim; ++a) {
        Eigen::Index c = 0;
        for (int q : qc.readout) c = (c << 1) | ((a >> (n - 1 - q)) & 1);
        marginal(0, c) += rho(a, a).real();
      }
      nn::Matrix pure_marginal, probs;
      probe().run_from(one_sample(regs, k, b), pure_marginal, probs);
      const double mixed = class_probability(marginal, 0, y[b], classes);
      EXPECT_NEAR(
          explanation().attribution_mixed(static_cast<nn::Index>(b), static_cast<nn::Index>(m)),
          std::log(probs(0, y[b]) + kFloor) - std::log(mixed + kFloor), 1e-9)
          << "sample " << b << " m " << m;
    }
  }
}

TEST_F(ExplainTest, ResultsDoNotDependOnBatchOrSliceSize) {
  // Batches of 7 (a short last batch) and one row per simulator pass.
  const explain::Explanation e =
      explain::explain(probe(), test(), {.batch = 7, .examples = 10, .max_pass_amplitudes = 1});
  const auto& ref = explanation();
  EXPECT_EQ(e.prediction, ref.prediction);
  EXPECT_EQ(e.prediction_ablated, ref.prediction_ablated);
  EXPECT_EQ(e.prediction_mixed, ref.prediction_mixed);
  for (const auto& [a, b] : {std::pair{&e.probs, &ref.probs},
                             {&e.attribution_uniform, &ref.attribution_uniform},
                             {&e.attribution_mixed, &ref.attribution_mixed},
                             {&e.entropy_fusion, &ref.entropy_fusion},
                             {&e.entropy_circuit, &ref.entropy_circuit}})
    EXPECT_LT((*a - *b).cwiseAbs().maxCoeff(), 1e-12);
  ASSERT_EQ(e.distributions.size(), 10u);
  ASSERT_EQ(ref.distributions.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(e.distributions[i], ref.distributions[i]);
}

TEST_F(ExplainTest, RegisterDistributionsAreTheEncodedFeatures) {
  const auto& e = explanation();
  const auto& k = probe().spec().settings.k;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  samples(0, e.distributions.size(), x, y);
  const Registers regs = probe().registers(x);
  for (size_t i = 0; i < e.distributions.size(); ++i) {
    for (size_t m = 0; m < k.size(); ++m) {
      const auto& d = e.distributions[i][m];
      ASSERT_EQ(d.size(), size_t{1} << k[m]);
      double total = 0;
      for (size_t j = 0; j < d.size(); ++j) {
        EXPECT_DOUBLE_EQ(d[j], std::norm(regs[m][i * d.size() + j]));
        total += d[j];
      }
      EXPECT_NEAR(total, 1, 1e-9);  // amplitude encoding: h / sqrt(|h|^2 + 1e-12)
    }
  }
}

TEST_F(ExplainTest, EntropiesLieBetweenZeroAndTheRegisterSize) {
  const auto& e = explanation();
  for (const nn::Matrix* s : {&e.entropy_fusion, &e.entropy_circuit}) {
    for (nn::Index i = 0; i < s->rows(); ++i) {
      for (nn::Index m = 0; m < s->cols(); ++m) {
        EXPECT_GE((*s)(i, m), -1e-9);
        EXPECT_LE((*s)(i, m), e.k[static_cast<size_t>(m)] + 1e-9);
      }
    }
  }
  // Two trained fusion layers entangle the registers.
  EXPECT_GT(e.entropy_fusion.maxCoeff(), 1e-3);
  // For a pure bipartite state both halves have the same entropy (M = 2).
  ASSERT_EQ(e.modalities(), 2u);
  EXPECT_LT((e.entropy_fusion.col(0) - e.entropy_fusion.col(1)).cwiseAbs().maxCoeff(), 1e-8);
}

// A fresh model of the fixture's data with `edit` applied to its config, initialised from a seed.
std::unique_ptr<model::Model> fresh_model(const train::TrainedRun& run, void (*edit)(Config&)) {
  Config c = run.config;
  edit(c);
  auto m = train::make_model(c, run.data);
  Rng rng(3);
  m->init(rng);
  return m;
}

TEST_F(ExplainTest, WithoutFusionLayersTheRegistersStayUnentangledAfterFusion) {
  auto m = fresh_model(run(), [](Config& c) { c.model.fusion_layers = 0; });
  auto& probe = *m->probe();
  const explain::Explanation e = explain::explain(probe, test());
  EXPECT_LT(e.entropy_fusion.cwiseAbs().maxCoeff(), 1e-9);
  // The QCNN still entangles them.
  EXPECT_GT(e.entropy_circuit.maxCoeff(), 1e-3);
}

// Sets modality m's (single-layer) FFN to weights 0 and every bias to `bias`.
void constant_features(model::Model& m, int modality, double bias) {
  auto& arena = m.arena();
  const auto& w = arena.block(fmt::format("ffn{}.0.weight", modality));
  const auto& b = arena.block(fmt::format("ffn{}.0.bias", modality));
  for (double& v : arena.values(w.offset, w.size)) v = 0;
  for (double& v : arena.values(b.offset, b.size)) v = bias;
}

// Belief encoding: h_2 = 0 gives sqrt(softmax(0)) = 2^{-k/2} on every basis state, the uniform
// superposition itself, so ablating it changes nothing.
TEST_F(ExplainTest, AZeroBeliefModalityIsTheUniformStateAndHasNoUniformAttribution) {
  auto m = fresh_model(run(), [](Config& c) { c.model.encoding = Encoding::belief; });
  constant_features(*m, 2, 0.0);
  const explain::Explanation e = explain::explain(*m->probe(), test());
  EXPECT_LT(e.attribution_uniform.col(1).cwiseAbs().maxCoeff(), 1e-12);
  for (size_t i = 0; i < e.samples(); ++i)
    EXPECT_EQ(e.prediction_ablated(static_cast<nn::Index>(i), 1), e.prediction[i]);
  // The maximally mixed state is another state: that ablation still moves the output.
  EXPECT_GT(e.attribution_mixed.col(1).cwiseAbs().maxCoeff(), 1e-6);
}

// Amplitude encoding: constant features c normalise to c / sqrt(2^k c^2 + 1e-12), the uniform
// superposition up to 1e-12 relative.
TEST_F(ExplainTest, ConstantAmplitudeFeaturesAreTheUniformStateAndHaveNoUniformAttribution) {
  auto m = fresh_model(run(), [](Config&) {});
  constant_features(*m, 2, 0.3);
  const explain::Explanation e = explain::explain(*m->probe(), test());
  EXPECT_LT(e.attribution_uniform.col(1).cwiseAbs().maxCoeff(), 1e-9);
}

// Amplitude encoding: h_2 = 0 normalises to the zero vector (0 / sqrt(0 + 1e-12)), so the whole
// product state is zero and every class probability is 0: the model cannot decide. Ablating
// modality 2 by the uniform state restores a decision (a negative attribution: log(1e-10) minus
// the restored log-probability); ablating modality 1 leaves the zero state, attribution 0.
TEST_F(ExplainTest, ZeroAmplitudeFeaturesZeroTheStateAndAblatingThemRestoresADecision) {
  auto m = fresh_model(run(), [](Config&) {});
  constant_features(*m, 2, 0.0);
  auto& probe = *m->probe();
  const explain::Explanation e = explain::explain(probe, test());
  EXPECT_EQ(e.probs.cwiseAbs().maxCoeff(), 0.0);
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  samples(0, test().size(), x, y);
  Registers regs = probe.registers(x);
  const double a = 1 / std::sqrt(static_cast<double>(regs[1].size() / test().size()));
  std::fill(regs[1].begin(), regs[1].end(), cplx(a, 0));
  nn::Matrix marginal, restored;
  probe.run_from(regs, marginal, restored);
  for (size_t i = 0; i < e.samples(); ++i) {
    const auto row = static_cast<nn::Index>(i);
    EXPECT_NEAR(e.attribution_uniform(row, 1),
                std::log(kFloor) - std::log(restored(row, y[i]) + kFloor), 1e-12);
    EXPECT_LT(e.attribution_uniform(row, 1), 0);
    EXPECT_EQ(e.attribution_uniform(row, 0), 0.0);
  }
}

// Every encoding, the expval readout, no QCNN, and four modalities: the fused probabilities are
// the model's and the mixed ablation is the readout of the averaged basis-state distributions.
TEST_F(ExplainTest, EveryEncodingReadoutAndModalityCountIsExplained) {
  const std::vector<void (*)(Config&)> variants = {
      [](Config& c) { c.model.encoding = Encoding::angle; },
      [](Config& c) { c.model.encoding = Encoding::belief; },
      [](Config& c) { c.model.readout = Readout::expval; }, [](Config& c) { c.model.qcnn = false; },
      [](Config& c) {
        c.data.view = "mnist/split-q4";
        c.model.k = {2};
      }};
  for (size_t v = 0; v < variants.size(); ++v) {
    Config c = run().config;
    variants[v](c);
    const data::Multimodal data = train::load_data(c);
    auto m = train::make_model(c, data);
    Rng rng(4);
    m->init(rng);
    auto& probe = *m->probe();
    const explain::Explanation e = explain::explain(probe, data.test, {.batch = 16});
    std::vector<nn::Matrix> x;
    std::vector<int> y;
    std::vector<size_t> idx(data.test.size());
    std::iota(idx.begin(), idx.end(), 0);
    data::gather(data.test, idx, x, y);
    nn::Matrix probs, marginal, mixed;
    m->forward(x, y, probs);
    EXPECT_LT((e.probs - probs).cwiseAbs().maxCoeff(), 1e-12) << "variant " << v;

    // Modality 1 (the last one) maximally mixed, sample by sample through the probe.
    const auto& k = probe.spec().settings.k;
    const size_t last = k.size() - 1, states = size_t{1} << k[last];
    const Registers regs = probe.registers(x);
    for (size_t b = 0; b < 3; ++b) {
      nn::Matrix mean = nn::Matrix::Zero(1, Eigen::Index{1} << probe.qmf_circuit().readout.size());
      for (size_t j = 0; j < states; ++j) {
        Registers basis = one_sample(regs, k, b);
        std::fill(basis[last].begin(), basis[last].end(), cplx(0));
        basis[last][j] = 1;
        probe.run_from(basis, marginal, mixed);
        mean += marginal / static_cast<double>(states);
      }
      probe.readout_probs(mean, mixed);
      const auto row = static_cast<nn::Index>(b);
      EXPECT_NEAR(e.attribution_mixed(row, static_cast<nn::Index>(last)),
                  std::log(probs(row, y[b]) + kFloor) - std::log(mixed(0, y[b]) + kFloor), 1e-10)
          << "variant " << v << " sample " << b;
    }
  }
}

}  // namespace
}  // namespace qmf
