// Classical fusion baselines (early, late, tfn, lmf), the QMFNN ablations (no entanglers, no
// QCNN, classical replacement) and their config keys: gradients against finite differences,
// parameter counts against hand formulas, probabilities, a short training run.
#include <gtest/gtest.h>

#include "support/model_gradient.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "model/baselines.h"
#include "model/qmf_circuit.h"
#include "model/qmfnn.h"
#include "nn/optim.h"
#include "train/config.h"
#include "train/model_factory.h"

namespace qmf::model {
namespace {

using Factory = std::function<std::unique_ptr<Model>(const std::vector<size_t>& dims, int classes)>;

struct Kind {
  std::string name;
  Factory make;
};

// Tiny versions of every new model, sized so gradient checks take milliseconds.
std::vector<Kind> tiny_kinds() {
  const BaselineSpec base{.hidden = {4}, .fusion_dim = 3, .rank = 2};
  const auto with = [base](auto make) {
    return [base, make](const std::vector<size_t>& dims, int classes) {
      BaselineSpec s = base;
      s.dims = dims, s.classes = classes;
      return make(s);
    };
  };
  const auto qmfnn_like = [](bool classical, bool entangle, bool qcnn) {
    return [=](const std::vector<size_t>& dims, int classes) {
      QmfnnSpec s{.dims = dims,
                  .classes = classes,
                  .settings = {.ffn_hidden = {4}, .entangle = entangle, .qcnn = qcnn},
                  .threads = 1};
      s.settings.k.assign(dims.size(), 2);
      return classical ? make_qmfnn_classical(s) : make_qmfnn(s);
    };
  };
  return {{"early", with(make_early)},
          {"late", with(make_late)},
          {"tfn", with(make_tfn)},
          {"lmf", with(make_lmf)},
          {"qmfnn_classical", qmfnn_like(true, true, true)},
          {"qmfnn_no_entangle", qmfnn_like(false, false, true)},
          {"qmfnn_no_qcnn", qmfnn_like(false, true, false)}};
}

std::vector<nn::Matrix> random_inputs(Rng& rng, Eigen::Index batch,
                                      const std::vector<size_t>& dims) {
  std::vector<nn::Matrix> x;
  for (size_t d : dims) {
    nn::Matrix m(batch, static_cast<Eigen::Index>(d));
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    x.push_back(std::move(m));
  }
  return x;
}

struct GradientCase {
  size_t kind;  // index into tiny_kinds()
  std::vector<size_t> dims;
};
void PrintTo(const GradientCase& c, std::ostream* os);

class BaselineGradient : public ::testing::TestWithParam<GradientCase> {};

TEST_P(BaselineGradient, MatchesFiniteDifferences) {
  const GradientCase c = GetParam();
  auto model = tiny_kinds()[c.kind].make(c.dims, 3);
  Rng rng(17);
  model->init(rng);
  const auto x = random_inputs(rng, 5, c.dims);
  const std::vector<int> y{0, 2, 1, 1, 2};
  testing::expect_model_gradients_match(*model, x, y);
}

void PrintTo(const GradientCase& c, std::ostream* os) {
  *os << tiny_kinds()[c.kind].name << " dims";
  for (size_t d : c.dims) *os << ' ' << d;
}

std::vector<GradientCase> gradient_cases() {
  std::vector<GradientCase> cases;
  for (size_t k = 0; k < tiny_kinds().size(); ++k) {
    cases.push_back({k, {6, 5}});
    cases.push_back({k, {4, 5, 3}});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryModelTwoAndThreeModalities, BaselineGradient,
                         ::testing::ValuesIn(gradient_cases()), [](const auto& test) {
                           return tiny_kinds()[test.param.kind].name + "_M" +
                                  std::to_string(test.param.dims.size());
                         });

// ---- parameter counts: mnist/split-h2 sizes (392 + 392 features, 10 classes) ----

const std::vector<size_t> kSplitH2{392, 392};

size_t linear(size_t in, size_t out) { return in * out + out; }

TEST(BaselineCounts, EarlyAndLate) {
  const BaselineSpec s{.dims = kSplitH2, .classes = 10};
  const auto early = make_early(s)->arena().counts();
  EXPECT_EQ(early.classical, linear(784, 128) + linear(128, 10));
  EXPECT_EQ(early.quantum, 0u);
  const auto late = make_late(s)->arena().counts();
  EXPECT_EQ(late.classical, 2 * (linear(392, 128) + linear(128, 10)));
  EXPECT_EQ(late.quantum, 0u);
  // Two hidden layers: every width counts.
  const auto deep =
      make_early({.dims = kSplitH2, .classes = 10, .hidden = {64, 32}})->arena().counts();
  EXPECT_EQ(deep.total, linear(784, 64) + linear(64, 32) + linear(32, 10));
  // No hidden layer: a linear classifier.
  const auto flat = make_early({.dims = kSplitH2, .classes = 10, .hidden = {}})->arena().counts();
  EXPECT_EQ(flat.total, linear(784, 10));
}

TEST(BaselineCounts, TfnAndLmf) {
  const BaselineSpec s{.dims = kSplitH2, .classes = 10};
  const auto tfn = make_tfn(s)->arena().counts();
  EXPECT_EQ(tfn.classical, 2 * (392 * 16 + 16) + 17 * 17 * 10 + 10u);
  EXPECT_EQ(tfn.quantum, 0u);
  const auto lmf = make_lmf(s)->arena().counts();
  EXPECT_EQ(lmf.classical, 2 * (392 * 16 + 16) + 2 * 4 * 10 * 17 + 10u);
  EXPECT_EQ(lmf.quantum, 0u);
}

TEST(BaselineCounts, TfnGrowsMultiplicativelyInModalitiesLmfAdditively) {
  const int f = 4, classes = 3, rank = 2;
  const auto fusion_part = [&](auto make, size_t modalities) {
    const BaselineSpec s{.dims = std::vector<size_t>(modalities, 10),
                         .classes = classes,
                         .fusion_dim = f,
                         .rank = rank};
    return make(s)->arena().counts().total - modalities * linear(10, f);  // less the embeddings
  };
  const size_t tfn2 = fusion_part(make_tfn, 2), tfn4 = fusion_part(make_tfn, 4);
  const size_t lmf2 = fusion_part(make_lmf, 2), lmf4 = fusion_part(make_lmf, 4);
  EXPECT_EQ(tfn2, 25u * classes + classes);
  EXPECT_EQ(tfn4, 625u * classes + classes);  // (f+1)^M: x 25 from M = 2 to 4
  EXPECT_EQ(lmf2, 2u * rank * classes * (f + 1) + classes);
  EXPECT_EQ(lmf4, 4u * rank * classes * (f + 1) + classes);  // M (f+1) rank C: doubles
  EXPECT_EQ(lmf4 - lmf2, lmf2 - classes);
}

TEST(BaselineCounts, TfnTooLargeIsAUsageErrorNamingFusionDim) {
  try {
    make_tfn({.dims = std::vector<size_t>(6, 10), .classes = 10, .fusion_dim = 32});
    ADD_FAILURE() << "no exception";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("model.fusion_dim"), std::string::npos) << e.what();
  }
}

TEST(BaselineCounts, BadSpecsAreUsageErrors) {
  EXPECT_THROW(make_lmf({.dims = kSplitH2, .rank = 0}), UsageError);
  EXPECT_THROW(make_tfn({.dims = kSplitH2, .fusion_dim = 0}), UsageError);
  EXPECT_THROW(make_early({.dims = kSplitH2, .hidden = {0}}), UsageError);
  EXPECT_THROW(make_late({.dims = {}}), UsageError);
}

// ---- the QMFNN ablations ----

size_t gates_of(const QmfCircuit& c, sim::GateKind kind) {
  return static_cast<size_t>(std::count_if(c.circuit.gates().begin(), c.circuit.gates().end(),
                                           [kind](const sim::Gate& g) { return g.kind == kind; }));
}

TEST(QmfnnAblation, NoEntanglersMeansNoFusionCrxAndFewerQuantumParameters) {
  // Without the QCNN (whose pool blocks use CRX too) the fusion block is the whole circuit.
  const auto fused = build_qmf_circuit({.k = {4, 4}, .entangle = true, .qcnn = false}, 10);
  const auto plain = build_qmf_circuit({.k = {4, 4}, .entangle = false, .qcnn = false}, 10);
  EXPECT_EQ(gates_of(fused, sim::GateKind::CRX), 2u * 2 * 4);  // 2 layers, pairs (1,2) (2,1)
  EXPECT_EQ(gates_of(plain, sim::GateKind::CRX), 0u);
  // With the QCNN, entangle = false leaves only the pool layers' CRX gates.
  const auto full = build_qmf_circuit({.k = {4, 4}, .entangle = false}, 10);
  const auto no_fusion = build_qmf_circuit({.k = {4, 4}, .fusion_layers = 0}, 10);
  EXPECT_EQ(gates_of(full, sim::GateKind::CRX), gates_of(no_fusion, sim::GateKind::CRX));

  const auto counts = [](bool entangle) {
    return make_qmfnn(
               {.dims = kSplitH2, .settings = {.k = {4, 4}, .entangle = entangle}, .threads = 1})
        ->arena()
        .counts();
  };
  EXPECT_EQ(counts(true).quantum, 2u * (16 + 8) + 6 + 2 + 6);
  EXPECT_EQ(counts(false).quantum, 2u * 16 + 6 + 2 + 6);
  EXPECT_EQ(counts(false).classical, counts(true).classical);
}

TEST(QmfnnAblation, NoQcnnHasOnlyTheFusionParameters) {
  const QmfnnSpec s{.dims = kSplitH2, .settings = {.k = {4, 4}, .qcnn = false}, .threads = 1};
  auto model = make_qmfnn(s);
  const auto circuit = build_qmf_circuit({.k = {4, 4}, .qcnn = false}, 10);
  EXPECT_EQ(circuit.qcnn_params, 0u);
  EXPECT_EQ(model->arena().counts().quantum, 2u * (16 + 8));
  EXPECT_EQ(circuit.readout, (std::vector<int>{0, 1, 2, 3}));  // the first ceil(log2 10) qubits
  EXPECT_NE(model->describe().find("no QCNN"), std::string::npos) << model->describe();
}

TEST(QmfnnAblation, ClassicalReplacementMatchesTheQuantumCount) {
  for (const std::vector<int>& k : {std::vector<int>{4, 4}, std::vector<int>{2, 2},
                                    std::vector<int>{3, 3, 3}, std::vector<int>{5, 5}}) {
    const QmfnnSpec s{
        .dims = std::vector<size_t>(k.size(), 20), .settings = {.k = k}, .threads = 1};
    const size_t quantum = make_qmfnn(s)->arena().counts().quantum;
    auto model = make_qmfnn_classical(s);
    const auto counts = model->arena().counts();
    EXPECT_EQ(counts.quantum, 0u);
    size_t features = 0, ffn = 0;
    for (int km : k) features += size_t{1} << km, ffn += linear(20, size_t{1} << km);
    const size_t head = counts.classical - ffn;
    const size_t unit = features + 1 + 10;  // one hidden unit's worth of head parameters
    const size_t miss = static_cast<size_t>(
        std::llabs(static_cast<long long>(head) - static_cast<long long>(quantum)));
    EXPECT_LE(miss, unit) << k.size() << " registers: head " << head << ", quantum " << quantum;
    if (head > unit + 10) {
      EXPECT_LE(2 * miss, unit) << "w > 1 should be the nearest width";
    }
    const std::string d = model->describe();
    EXPECT_NE(d.find(std::to_string(head)), std::string::npos) << d;
    EXPECT_NE(d.find(std::to_string(quantum)), std::string::npos) << d;
  }
}

TEST(QmfnnAblation, HeadWidthIsTheClosestCount) {
  // D = 32, C = 10: each unit costs 43, the head is 43 w + 10.
  EXPECT_EQ(classical_head_width(32, 10, 62), 1);     // 53 beats 96
  EXPECT_EQ(classical_head_width(32, 10, 140), 3);    // 139
  EXPECT_EQ(classical_head_width(32, 10, 5), 1);      // at least one unit
  EXPECT_EQ(classical_head_width(32, 10, 1000), 23);  // 999
}

// ---- every model: probabilities and a short training run ----

TEST(Baselines, ProbabilitiesAreDistributionsAndDescribeIsOneLine) {
  for (const Kind& kind : tiny_kinds()) {
    auto model = kind.make({4, 3}, 3);
    Rng rng(5);
    model->init(rng);
    const auto x = random_inputs(rng, 6, {4, 3});
    nn::Matrix probs;
    const double loss = model->forward(x, std::vector<int>{0, 1, 2, 0, 1, 2}, probs);
    EXPECT_TRUE(std::isfinite(loss)) << kind.name;
    ASSERT_EQ(probs.rows(), 6) << kind.name;
    ASSERT_EQ(probs.cols(), 3) << kind.name;
    for (Eigen::Index b = 0; b < probs.rows(); ++b) {
      EXPECT_NEAR(probs.row(b).sum(), 1.0, 1e-12) << kind.name;
      EXPECT_GE(probs.row(b).minCoeff(), 0.0) << kind.name;
    }
    const std::string d = model->describe();
    EXPECT_FALSE(d.empty());
    EXPECT_EQ(d.find('\n'), std::string::npos) << d;
  }
}

TEST(Baselines, SameSeedSameParameters) {
  for (const Kind& kind : tiny_kinds()) {
    auto a = kind.make({4, 3}, 3), b = kind.make({4, 3}, 3);
    Rng ra(9), rb(9);
    a->init(ra), b->init(rb);
    const auto va = a->arena().values(), vb = b->arena().values();
    EXPECT_TRUE(std::equal(va.begin(), va.end(), vb.begin(), vb.end())) << kind.name;
    EXPECT_TRUE(std::any_of(va.begin(), va.end(), [](double v) { return v != 0.0; })) << kind.name;
  }
}

TEST(Baselines, AdamReducesTheLossOnASeparableProblem) {
  // Three classes; each modality sees the class as a shifted mean in its own features.
  Rng rng(21);
  const std::vector<size_t> dims{4, 3};
  const Eigen::Index batch = 24;
  auto x = random_inputs(rng, batch, dims);
  std::vector<int> y(static_cast<size_t>(batch));
  for (Eigen::Index b = 0; b < batch; ++b) {
    y[static_cast<size_t>(b)] = static_cast<int>(b % 3);
    for (auto& m : x) {
      m.row(b) *= 0.3;
      m(b, b % 3) += 2.0;
    }
  }
  for (const Kind& kind : tiny_kinds()) {
    auto model = kind.make(dims, 3);
    Rng init(1);
    model->init(init);
    nn::Adam adam({.lr = 0.05});
    nn::Matrix probs;
    const double first = model->forward(x, y, probs);
    for (int step = 0; step < 60; ++step) {
      model->forward(x, y, probs);
      model->backward();
      adam.step(model->arena());
    }
    const double last = model->forward(x, y, probs);
    EXPECT_LT(last, 0.5 * first) << kind.name << ": " << first << " -> " << last;
  }
}

// ---- config keys and the factory ----

Config with(std::initializer_list<std::string_view> assignments) {
  Config c;
  for (const auto a : assignments) apply_override(c, a);
  return c;
}

void expect_rejected(std::string_view assignment, std::initializer_list<std::string_view> parts) {
  Config c;
  try {
    apply_override(c, assignment);
    ADD_FAILURE() << assignment << " was accepted";
  } catch (const UsageError& e) {
    for (const auto part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(BaselineConfig, DefaultsAndKeysParse) {
  const Config d;
  EXPECT_EQ(d.model.hidden, std::vector<int>{128});
  EXPECT_EQ(d.model.fusion_dim, 16);
  EXPECT_EQ(d.model.rank, 4);
  EXPECT_TRUE(d.model.entangle);
  EXPECT_TRUE(d.model.qcnn);
  const Config c = with({"model.kind=lmf", "model.hidden=[64,32]", "model.fusion_dim=8",
                         "model.rank=2", "model.entangle=false", "model.qcnn=false"});
  EXPECT_EQ(c.model.kind, "lmf");
  EXPECT_EQ(c.model.hidden, (std::vector<int>{64, 32}));
  EXPECT_EQ(c.model.fusion_dim, 8);
  EXPECT_EQ(c.model.rank, 2);
  EXPECT_FALSE(c.model.entangle);
  EXPECT_FALSE(c.model.qcnn);
  EXPECT_EQ(parse_config(to_toml(c)), c) << to_toml(c);
  const Config t = parse_config("[model]\nkind = \"qmfnn-classical\"\nhidden = []\nrank = 7\n");
  EXPECT_EQ(t.model.kind, "qmfnn-classical");
  EXPECT_TRUE(t.model.hidden.empty());
  EXPECT_EQ(t.model.rank, 7);
  for (const auto kind : kModelKinds)
    EXPECT_EQ(with({"model.kind=" + std::string(kind)}).model.kind, kind);
}

TEST(BaselineConfig, BadValuesNameTheKey) {
  expect_rejected("model.rank=0", {"model.rank", "between 1 and 65536", "0"});
  expect_rejected("model.fusion_dim=0", {"model.fusion_dim", "between 1 and 65536"});
  expect_rejected("model.hidden=[0]", {"model.hidden entries", "between 1 and 65536"});
  expect_rejected("model.hidden=128", {"model.hidden", "a list of integers"});
  expect_rejected("model.entangle=no", {"model.entangle", "a boolean"});
  expect_rejected("model.qcnn=1", {"model.qcnn", "a boolean"});
  expect_rejected("model.kind=nosuch",
                  {"model.kind", "'nosuch'", "qmfnn, early, late, tfn, lmf, qmfnn-classical"});
}

TEST(BaselineConfig, FactoryBuildsEveryKindWithTheConfiguredSizes) {
  data::Multimodal data;
  data.classes = 10;
  data.train.x = {data::Features(1, 392), data::Features(1, 392)};
  Config c;
  c.train.threads = 1;
  for (const auto kind : kModelKinds) {
    c.model.kind = kind;
    EXPECT_EQ(train::make_model(c, data)->kind(), kind);
  }
  c.model.kind = "lmf";
  c.model.rank = 2;
  EXPECT_EQ(train::make_model(c, data)->arena().counts().total,
            2 * linear(392, 16) + 2 * 2 * 10 * 17 + 10);
  c.model.kind = "late";
  c.model.hidden = {};
  EXPECT_EQ(train::make_model(c, data)->arena().counts().total, 2 * linear(392, 10));
  c.model.kind = "qmfnn";
  c.model.entangle = false;
  c.model.qcnn = false;
  EXPECT_EQ(train::make_model(c, data)->arena().counts().quantum, 2u * 16);
}

}  // namespace
}  // namespace qmf::model
