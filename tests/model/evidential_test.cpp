// Evidential fusion (model/evidential.h): the Toffoli circuit against classical Dempster-Shafer
// (model/dempster_shafer.h) to 1e-12, whole-model gradients against finite differences, the
// configuration errors, a short training run and the factory path through Config.
#include <gtest/gtest.h>

#include "support/model_gradient.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/dataset.h"
#include "model/dempster_shafer.h"
#include "model/evidential.h"
#include "nn/optim.h"
#include "sim/simulator.h"
#include "train/config.h"
#include "train/model_factory.h"

namespace qmf::model {
namespace {

using cplx = std::complex<double>;

// A random mass function on C classes: Dirichlet(1, ..., 1) weights, about a quarter of the
// focal sets zeroed (exact zeros must survive the circuit too), the whole frame always kept so
// that no combination is in total conflict.
ds::Mass random_mass(Rng& rng, int classes) {
  ds::Mass m(size_t{1} << classes);
  double sum = 0;
  for (size_t f = 0; f < m.size(); ++f) {
    const bool zero = f + 1 < m.size() && rng.uniform() < 0.25;
    sum += m[f] = zero ? 0.0 : -std::log(1.0 - rng.uniform());
  }
  for (double& v : m) v /= sum;
  return m;
}

// batch x sources mass functions through the circuit: the marginal on the last ancilla register.
template <typename T>
nn::Matrix run_circuit(const EvidentialCircuit& ec,
                       const std::vector<std::vector<ds::Mass>>& masses) {
  const size_t batch = masses.size(), sources = static_cast<size_t>(ec.sources);
  std::vector<std::vector<cplx>> regs(sources + 1);
  for (size_t m = 0; m < sources; ++m)
    for (size_t b = 0; b < batch; ++b)
      for (double v : masses[b][m]) regs[m].push_back(std::sqrt(v));  // |psi> = sum sqrt(m(F)) |F>
  const int ancillas = ec.registers.back();
  regs[sources].assign(batch << ancillas, 0.0);
  for (size_t b = 0; b < batch; ++b) regs[sources][b << ancillas] = 1.0;
  sim::ProductInput in;
  in.qubits = ec.registers;
  for (const auto& r : regs) in.amplitudes.emplace_back(r);

  sim::Simulator<T> sim(std::make_shared<const sim::Program>(ec.circuit), {.threads = 1});
  auto state = sim.make_state(batch);
  sim.forward(in, {}, {}, state);
  nn::Matrix p(static_cast<nn::Index>(batch), nn::Index{1} << ec.classes);
  sim.marginal(state, ec.readout, {p.data(), static_cast<size_t>(p.size())});
  return p;
}

struct Deviation {
  double conjunctive = 0, dempster = 0, pignistic = 0;
};

// The circuit's marginal, its Dempster normalisation and pignistic probabilities (the model's
// readout code) against the classical computation, for `batch` random samples.
template <typename T>
Deviation compare_with_classical(int classes, int sources, uint64_t seed, size_t batch = 6) {
  Rng rng(seed);
  std::vector<std::vector<ds::Mass>> masses(batch);
  for (auto& sample : masses)
    for (int m = 0; m < sources; ++m) sample.push_back(random_mass(rng, classes));
  const EvidentialCircuit ec = build_evidential_circuit(classes, sources);
  const nn::Matrix p = run_circuit<T>(ec, masses);
  nn::Matrix normalised, probs;
  dempster_rows(p, normalised);
  evidential_readout(p, std::vector<int>(batch, 0), probs, nullptr);

  Deviation d;
  for (size_t b = 0; b < batch; ++b) {
    const auto row = static_cast<nn::Index>(b);
    const ds::Mass want = ds::conjunctive(masses[b]), want_d = ds::dempster(want);
    const std::vector<double> want_p = ds::pignistic(want);
    for (size_t h = 0; h < want.size(); ++h) {
      const auto col = static_cast<nn::Index>(h);
      d.conjunctive = std::max(d.conjunctive, std::abs(p(row, col) - want[h]));
      d.dempster = std::max(d.dempster, std::abs(normalised(row, col) - want_d[h]));
    }
    for (size_t c = 0; c < want_p.size(); ++c)
      d.pignistic =
          std::max(d.pignistic, std::abs(probs(row, static_cast<nn::Index>(c)) - want_p[c]));
  }
  return d;
}

// ---- (a) the circuit is Dempster-Shafer ----

TEST(EvidentialCircuit, EqualsClassicalDempsterShafer) {
  struct Size {
    int classes, sources;
  };
  const std::vector<Size> sizes{{2, 2}, {3, 2}, {4, 2}, {5, 2}, {2, 3}, {3, 3}, {2, 4}};
  Deviation worst;
  for (const Size s : sizes)
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      const Deviation d = compare_with_classical<double>(s.classes, s.sources, seed);
      EXPECT_LT(d.conjunctive, 1e-12) << "C = " << s.classes << ", M = " << s.sources;
      EXPECT_LT(d.dempster, 1e-12) << "C = " << s.classes << ", M = " << s.sources;
      EXPECT_LT(d.pignistic, 1e-12) << "C = " << s.classes << ", M = " << s.sources;
      worst.conjunctive = std::max(worst.conjunctive, d.conjunctive);
      worst.dempster = std::max(worst.dempster, d.dempster);
      worst.pignistic = std::max(worst.pignistic, d.pignistic);
    }
  // In the XML report (--gtest_output=xml): how far from exact the circuit actually is.
  RecordProperty("max_conjunctive_deviation", fmt::format("{:.3e}", worst.conjunctive));
  RecordProperty("max_dempster_deviation", fmt::format("{:.3e}", worst.dempster));
  RecordProperty("max_pignistic_deviation", fmt::format("{:.3e}", worst.pignistic));
}

TEST(EvidentialCircuit, SinglePrecisionAgreesToFloatAccuracy) {
  for (int classes : {2, 3, 4}) {
    const Deviation d = compare_with_classical<float>(classes, 2, 7);
    EXPECT_LT(d.conjunctive, 1e-6) << classes;
    EXPECT_LT(d.pignistic, 1e-5) << classes;
  }
}

TEST(EvidentialCircuit, CertainSourcesGiveTheirIntersection) {
  // R_1 certain of {0, 1}, R_2 certain of {1, 2}: the ancillas are certain of {1}. Checks the
  // mapping end to end: subset bitmask = register index, class j on register qubit C-1-j.
  const int classes = 3;
  ds::Mass m1(8, 0.0), m2(8, 0.0);
  m1[0b011] = 1, m2[0b110] = 1;
  const nn::Matrix p = run_circuit<double>(build_evidential_circuit(classes, 2), {{m1, m2}});
  for (nn::Index h = 0; h < 8; ++h) EXPECT_EQ(p(0, h), h == 0b010 ? 1.0 : 0.0) << h;
  EXPECT_EQ(class_qubit(classes, 0), 2);
  EXPECT_EQ(class_qubit(classes, 2), 0);
}

TEST(EvidentialCircuit, LayoutIsSourcesThenCascadedAncillas) {
  const EvidentialCircuit two = build_evidential_circuit(4, 2);
  EXPECT_EQ(two.circuit.qubits(), 12);
  EXPECT_EQ(two.registers, (std::vector<int>{4, 4, 4}));
  EXPECT_EQ(two.readout, (std::vector<int>{8, 9, 10, 11}));
  ASSERT_EQ(two.circuit.gates().size(), 4u);
  for (const sim::Gate& g : two.circuit.gates()) {
    EXPECT_EQ(g.kind, sim::GateKind::Toffoli);
    EXPECT_EQ(g.qubits[1], g.qubits[0] + 4);  // the same class in R_1 and R_2
    EXPECT_EQ(g.qubits[2], g.qubits[0] + 8);  // into that class's ancilla
  }
  EXPECT_EQ(two.circuit.shared_params(), 0u);

  const EvidentialCircuit three = build_evidential_circuit(2, 3);  // R1 R2 R3 | A1 A2
  EXPECT_EQ(three.circuit.qubits(), 10);
  EXPECT_EQ(three.registers, (std::vector<int>{2, 2, 2, 4}));
  EXPECT_EQ(three.readout, (std::vector<int>{8, 9}));
  ASSERT_EQ(three.circuit.gates().size(), 4u);
  const auto& g = three.circuit.gates();
  EXPECT_EQ(g[0].qubits, (std::array<int, 3>{1, 3, 7}));  // class 0: R1, R2 -> A1
  EXPECT_EQ(g[2].qubits, (std::array<int, 3>{7, 5, 9}));  // class 0: A1, R3 -> A2
}

// ---- the readout on its own: gradient of Dempster + pignistic + log loss ----

TEST(EvidentialReadout, GradientMatchesFiniteDifferences) {
  Rng rng(4);
  const int classes = 3, batch = 4;
  nn::Matrix p(batch, 8);
  for (nn::Index b = 0; b < batch; ++b) {
    const ds::Mass m = ds::conjunctive(
        std::vector<ds::Mass>{random_mass(rng, classes), random_mass(rng, classes)});
    for (nn::Index h = 0; h < 8; ++h) p(b, h) = m[static_cast<size_t>(h)];
  }
  const std::vector<int> y{0, 2, 1, 2};
  nn::Matrix probs, dp;
  evidential_readout(p, y, probs, &dp);
  for (nn::Index b = 0; b < batch; ++b) EXPECT_NEAR(probs.row(b).sum(), 1.0, 1e-14);
  const double h = 1e-7;
  for (nn::Index i = 0; i < p.size(); ++i) {
    nn::Matrix up = p, down = p;
    up.data()[i] += h, down.data()[i] -= h;
    const double numeric =
        (evidential_readout(up, y, probs, nullptr) - evidential_readout(down, y, probs, nullptr)) /
        (2 * h);
    EXPECT_NEAR(dp.data()[i], numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << i;
  }
  EXPECT_EQ(dp.col(0).norm(), 0.0);  // the conflict does not reach the normalised masses
}

TEST(EvidentialReadout, TotalConflictIsAnError) {
  nn::Matrix p = nn::Matrix::Zero(1, 4), probs;
  p(0, 0) = 1;
  EXPECT_THROW(evidential_readout(p, std::vector<int>{0}, probs, nullptr), Error);
}

// ---- (b) the whole model's gradients ----

std::vector<nn::Matrix> random_inputs(Rng& rng, nn::Index batch, const std::vector<size_t>& dims) {
  std::vector<nn::Matrix> x;
  for (size_t d : dims) {
    nn::Matrix m(batch, static_cast<nn::Index>(d));
    for (nn::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    x.push_back(std::move(m));
  }
  return x;
}

struct GradientCase {
  std::vector<size_t> dims;
  int classes;
  std::vector<int> hidden;
  nn::Activation activation;
};

// "M2_C3_hidden4_tanh": the name ctest and --gtest_filter see.
std::string case_name(const GradientCase& c) {
  return fmt::format("M{}_C{}_hidden{}_{}", c.dims.size(), c.classes,
                     c.hidden.empty() ? "none" : fmt::format("{}", fmt::join(c.hidden, "x")),
                     name_of(c.activation));
}
void PrintTo(const GradientCase& c, std::ostream* os) {
  *os << fmt::format("dims {} classes {} hidden [{}] {}", fmt::join(c.dims, ","), c.classes,
                     fmt::join(c.hidden, ","), name_of(c.activation));
}

class EvidentialGradient : public ::testing::TestWithParam<GradientCase> {};

TEST_P(EvidentialGradient, MatchesFiniteDifferences) {
  const GradientCase c = GetParam();
  auto model =
      make_evidential({.dims = c.dims,
                       .classes = c.classes,
                       .settings = {.ffn_hidden = c.hidden, .ffn_activation = c.activation},
                       .threads = 1});
  Rng rng(13);
  model->init(rng);
  const auto x = random_inputs(rng, 5, c.dims);
  std::vector<int> y;
  for (int b = 0; b < 5; ++b) y.push_back(b % c.classes);
  testing::expect_model_gradients_match(*model, x, y);
}

INSTANTIATE_TEST_SUITE_P(TwoAndThreeSources, EvidentialGradient,
                         ::testing::Values(GradientCase{{6, 5}, 3, {4}, nn::Activation::tanh},
                                           GradientCase{{6, 5}, 2, {}, nn::Activation::relu},
                                           GradientCase{{4, 3}, 4, {}, nn::Activation::relu},
                                           GradientCase{{4, 5, 3}, 2, {3}, nn::Activation::tanh}),
                         [](const auto& info) { return case_name(info.param); });

TEST(EvidentialModel, EveryParameterIsClassicalAndProbabilitiesAreDistributions) {
  auto model = make_evidential({.dims = {10, 7}, .classes = 4, .threads = 1});
  const auto counts = model->arena().counts();
  EXPECT_EQ(counts.quantum, 0u);
  EXPECT_EQ(counts.classical, (10u * 16 + 16) + (7u * 16 + 16));  // FFN_m: D_m -> 2^C
  EXPECT_EQ(model->qubits(), 12);
  EXPECT_EQ(model->kind(), "qmfnn-evidential");
  const std::string d = model->describe();
  EXPECT_EQ(d.find('\n'), std::string::npos) << d;
  EXPECT_NE(d.find("Toffoli"), std::string::npos) << d;
  EXPECT_NE(d.find("pignistic"), std::string::npos) << d;

  Rng rng(3);
  model->init(rng);
  const auto x = random_inputs(rng, 6, {10, 7});
  nn::Matrix probs;
  const double loss = model->forward(x, std::vector<int>{0, 1, 2, 3, 0, 1}, probs);
  EXPECT_TRUE(std::isfinite(loss));
  ASSERT_EQ(probs.rows(), 6);
  ASSERT_EQ(probs.cols(), 4);
  for (nn::Index b = 0; b < probs.rows(); ++b) {
    EXPECT_NEAR(probs.row(b).sum(), 1.0, 1e-12);
    EXPECT_GE(probs.row(b).minCoeff(), 0.0);
  }
}

TEST(EvidentialModel, SinglePrecisionGivesTheSameProbabilities) {
  const QmfnnSpec spec{.dims = {5, 4}, .classes = 3, .threads = 1};
  QmfnnSpec f32 = spec;
  f32.precision = Precision::f32;
  auto a = make_evidential(spec), b = make_evidential(f32);
  Rng ra(6), rb(6);
  a->init(ra), b->init(rb);
  Rng rng(1);
  const auto x = random_inputs(rng, 7, {5, 4});
  const std::vector<int> y{0, 1, 2, 0, 1, 2, 0};
  nn::Matrix pa, pb;
  a->forward(x, y, pa);
  b->forward(x, y, pb);
  EXPECT_LT((pa - pb).cwiseAbs().maxCoeff(), 1e-5);
}

TEST(EvidentialModel, ThreadCountDoesNotChangeResults) {
  Rng rng(2);
  const auto x = random_inputs(rng, 37, {5, 4});
  std::vector<int> y;
  for (int b = 0; b < 37; ++b) y.push_back(b % 3);
  std::vector<std::vector<double>> grads;
  std::vector<nn::Matrix> probs(2);
  for (int threads : {1, 3}) {
    auto model = make_evidential({.dims = {5, 4}, .classes = 3, .threads = threads});
    Rng init(6);
    model->init(init);
    model->forward(x, y, probs[grads.size()]);
    model->backward();
    grads.emplace_back(model->arena().grads().begin(), model->arena().grads().end());
  }
  EXPECT_EQ(probs[0], probs[1]);
  EXPECT_EQ(grads[0], grads[1]);
}

// ---- (c) configuration errors ----

void expect_usage_error(const QmfnnSpec& spec, std::initializer_list<std::string_view> parts) {
  try {
    make_evidential(spec);
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    for (const auto part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(EvidentialModel, SizesOutsideTheLimitsAreUsageErrors) {
  expect_usage_error({.dims = {4, 4}, .classes = 10},
                     {"model.fusion", "at most 5 classes", "got 10", "data.classes"});
  expect_usage_error({.dims = {4, 4}, .classes = 6}, {"at most 5 classes", "got 6"});
  expect_usage_error({.dims = {4}, .classes = 3},
                     {"model.fusion", "at least 2 modalities", "got 1"});
  expect_usage_error({.dims = {4, 4, 4}, .classes = 4},
                     {"model.fusion", "20 qubits", "more than 15", "data.classes"});
  expect_usage_error({.dims = {4, 4}, .classes = 1}, {"data.classes", "at least 2"});
  EXPECT_THROW(build_evidential_circuit(6, 2), UsageError);
  EXPECT_NO_THROW(make_evidential({.dims = {4, 4}, .classes = 5}));        // 15 qubits
  EXPECT_NO_THROW(make_evidential({.dims = {4, 4, 4, 4}, .classes = 2}));  // 14 qubits
}

TEST(EvidentialModel, BeliefEncodingIsForcedAndKIsIgnored) {
  // The registers must hold mass functions; model.encoding and model.k do not apply.
  auto model = make_evidential({.dims = {4, 4},
                                .classes = 3,
                                .settings = {.k = {7}, .encoding = Encoding::angle},
                                .threads = 1});
  EXPECT_EQ(model->qubits(), 9);
  EXPECT_EQ(model->arena().counts().classical, 2u * (4 * 8 + 8));
}

// ---- (d) it learns what neither modality knows alone ----

TEST(EvidentialModel, AdamLearnsAThreeClassProblemThatNeedsBothModalities) {
  // Modality 1 tells class 0 from {1, 2}; modality 2 tells class 2 from {0, 1}. Either alone
  // is right on at most 2/3 of the samples; the conjunctive combination of "{0} or {1,2}" and
  // "{2} or {0,1}" singles out every class.
  Rng rng(21);
  const nn::Index batch = 60;
  std::vector<nn::Matrix> x{nn::Matrix(batch, 4), nn::Matrix(batch, 3)};
  std::vector<int> y(static_cast<size_t>(batch));
  for (nn::Index b = 0; b < batch; ++b) {
    const int label = static_cast<int>(b % 3);
    y[static_cast<size_t>(b)] = label;
    for (auto& m : x)
      for (nn::Index j = 0; j < m.cols(); ++j) m(b, j) = 0.3 * rng.normal();
    x[0](b, label == 0 ? 0 : 1) += 1.5;
    x[1](b, label == 2 ? 0 : 1) += 1.5;
  }
  auto model = make_evidential({.dims = {4, 3}, .classes = 3, .threads = 1});
  Rng init(1);
  model->init(init);
  nn::Adam adam({.lr = 0.05});
  nn::Matrix probs;
  const double first = model->forward(x, y, probs);
  for (int step = 0; step < 300; ++step) {
    model->forward(x, y, probs);
    model->backward();
    adam.step(model->arena());
  }
  const double last = model->forward(x, y, probs);
  int correct = 0;
  for (nn::Index b = 0; b < batch; ++b) {
    nn::Index best = 0;
    probs.row(b).maxCoeff(&best);
    correct += best == y[static_cast<size_t>(b)];
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(batch);
  RecordProperty("training_accuracy", fmt::format("{:.3f}", accuracy));
  EXPECT_GT(accuracy, 0.9) << "loss " << first << " -> " << last;
  EXPECT_LT(last, 0.5 * first);
}

// ---- (e) the config key and the factory ----

data::Multimodal two_modalities(int classes, size_t modalities = 2) {
  data::Multimodal data;
  data.classes = classes;
  data.train.x.assign(modalities, data::Features(1, 10));
  return data;
}

Config evidential_config(std::initializer_list<std::string_view> more = {}) {
  Config c;
  apply_override(c, "model.fusion=evidential");
  apply_override(c, "train.threads=1");
  for (const auto a : more) apply_override(c, a);
  return c;
}

TEST(EvidentialConfig, KeyParsesAndRoundTrips) {
  EXPECT_EQ(Config{}.model.fusion, Fusion::entangle);
  const Config c = evidential_config();
  EXPECT_EQ(c.model.fusion, Fusion::evidential);
  EXPECT_EQ(parse_config(to_toml(c)), c) << to_toml(c);
  EXPECT_EQ(parse_config("[model]\nfusion = \"entangle\"\n").model.fusion, Fusion::entangle);
  Config bad;
  try {
    apply_override(bad, "model.fusion=dempster");
    ADD_FAILURE() << "accepted";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("model.fusion"), std::string::npos) << what;
    EXPECT_NE(what.find("entangle, evidential"), std::string::npos) << what;
  }
}

TEST(EvidentialConfig, FactoryBuildsTheEvidentialModel) {
  const Config c = evidential_config({"model.ffn_hidden=[8]"});
  auto model = train::make_model(c, two_modalities(4));
  EXPECT_EQ(model->kind(), "qmfnn-evidential");
  EXPECT_EQ(model->qubits(), 12);
  const auto counts = model->arena().counts();
  EXPECT_EQ(counts.quantum, 0u);
  EXPECT_EQ(counts.classical, 2u * ((10 * 8 + 8) + (8 * 16 + 16)));
  EXPECT_EQ(counts.total, counts.classical);
  // model.k does not apply, even as a list that fits no modality count.
  EXPECT_EQ(train::make_model(evidential_config({"model.k=[3,3,3]"}), two_modalities(4))->qubits(),
            12);
  // The default fusion is unchanged.
  Config plain;
  plain.train.threads = 1;
  EXPECT_EQ(train::make_model(plain, two_modalities(4))->kind(), "qmfnn");
}

TEST(EvidentialConfig, FactoryErrorsNameTheKeys) {
  const auto message = [](const Config& c, const data::Multimodal& data) -> std::string {
    try {
      train::make_model(c, data);
    } catch (const UsageError& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
  };
  const std::string kind = message(evidential_config({"model.kind=late"}), two_modalities(4));
  EXPECT_NE(kind.find("model.fusion"), std::string::npos) << kind;
  EXPECT_NE(kind.find("'late'"), std::string::npos) << kind;
  const std::string ten = message(evidential_config(), two_modalities(10));
  EXPECT_NE(ten.find("at most 5 classes"), std::string::npos) << ten;
  EXPECT_NE(ten.find("got 10"), std::string::npos) << ten;
  EXPECT_NE(ten.find("data.classes"), std::string::npos) << ten;
  const std::string one = message(evidential_config(), two_modalities(3, 1));
  EXPECT_NE(one.find("at least 2 modalities"), std::string::npos) << one;
}

}  // namespace
}  // namespace qmf::model
