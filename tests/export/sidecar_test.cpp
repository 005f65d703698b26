// What `qmf export` hands to another tool: the circuit read back and simulated gives, through
// the bits as the chosen bit order lays them out, the sidecar's expected distribution; and the
// sidecar's rule, applied here by hand as a user's own code would, turns that distribution into
// the model's class probabilities. For both readouts and both bit orders.
#include "export/sidecar.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/batch.h"
#include "data/fetch/temp_dir.h"
#include "export/export_support.h"
#include "export/qasm_reader.h"
#include "export/qasm_writer.h"
#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/run.h"
#include "train/trained_run.h"

namespace qmf::exporter {
namespace {

using nlohmann::json;

// The probability of each outcome index, from a final state and the classical bits each qubit
// lands in: big-endian reads c[0] as the top bit, qiskit reads c[0] as the bottom one.
std::vector<double> outcome_distribution(const std::vector<sim::cplx>& psi, int n,
                                         const std::vector<int>& measured, BitOrder order) {
  const size_t r = measured.size();
  std::vector<double> p(size_t{1} << r, 0.0);
  for (size_t i = 0; i < psi.size(); ++i) {
    size_t index = 0;
    for (size_t bit = 0; bit < r; ++bit) {
      const size_t value = (i >> (n - 1 - measured[bit])) & 1;
      const size_t weight = order == BitOrder::qiskit ? bit : r - 1 - bit;
      index |= value << weight;
    }
    p[index] += std::norm(psi[i]);
  }
  return p;
}

// The sidecar's readout rule, written from its text alone.
std::vector<double> apply_rule(const json& readout, const std::vector<double>& p) {
  const int classes = readout.at("classes").get<int>();
  std::vector<double> out(static_cast<size_t>(classes));
  if (readout.at("kind") == "probs") {
    double kept = 0;
    for (int c = 0; c < classes; ++c) kept += p[c];
    for (int c = 0; c < classes; ++c) out[c] = p[c] / kept;
    return out;
  }
  const size_t r = static_cast<size_t>(std::log2(p.size()));
  std::vector<double> z(r, 0.0);
  for (size_t i = 0; i < p.size(); ++i)
    for (size_t j = 0; j < r; ++j) z[j] += p[i] * (((i >> (r - 1 - j)) & 1) ? -1.0 : 1.0);
  const auto w = readout.at("weights").get<std::vector<std::vector<double>>>();
  const auto b = readout.at("bias").get<std::vector<double>>();
  double total = 0;
  for (int c = 0; c < classes; ++c) {
    double logit = b[c];
    for (size_t j = 0; j < r; ++j) logit += w[c][j] * z[j];
    out[c] = std::exp(logit);
    total += out[c];
  }
  for (double& v : out) v /= total;
  return out;
}

struct Case {
  const char* readout;
  BitOrder order;
};
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.readout << (c.order == BitOrder::qiskit ? " qiskit" : " big-endian");
}

class Sidecar : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new data::TempDir("qmf-sidecar-test");
    qmf::testing::write_fake_mnist(tmp_->path() / "data");
  }
  static void TearDownTestSuite() {
    delete tmp_;
    tmp_ = nullptr;
  }
  static inline data::TempDir* tmp_ = nullptr;
};

TEST_P(Sidecar, ItsDistributionAndRuleGiveTheModelsClassProbabilities) {
  Config c = qmf::testing::small_config(tmp_->path() / "data", 1);
  c.data.classes = {0, 1, 2, 3, 4};  // 3 readout bits, 5 of 8 outcomes are classes
  apply_override(c, std::string("model.readout=") + GetParam().readout);
  const auto dir = tmp_->path() / GetParam().readout;
  if (!std::filesystem::exists(dir / "summary.json")) {
    qmf::testing::QuietProgress progress;
    train::train_new(c, dir, progress);
  }
  auto run = train::load_trained(dir, {}, "export");
  auto& probe = *run.model->probe();
  const size_t index = 3;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  data::gather(run.data.test, {&index, 1}, x, y);
  nn::Matrix marginal, probs;
  probe.run_from(probe.registers(x), marginal, probs);
  const NumericCircuit exported = sample_circuit(probe, x, GetParam().order);
  const json side = readout_sidecar(probe, run.model->arena(), exported, GetParam().order,
                                    {marginal.data(), size_t(marginal.size())},
                                    {probs.data(), size_t(probs.size())});
  const NumericCircuit back = read_qasm(write_qasm(exported, QasmVersion::v3, ""), "s.qasm");
  EXPECT_EQ(side.at("measured_qubits").get<std::vector<int>>(), back.measured);
  const std::vector<double> p = outcome_distribution(
      qmf::testing::simulate(back), back.circuit.qubits(), back.measured, GetParam().order);
  const json& expected = side.at("expected_distribution");
  ASSERT_EQ(expected.size(), p.size());
  std::vector<double> from_side(p.size());
  for (const auto& [bits, value] : expected.items()) {
    const size_t i = std::stoul(bits, nullptr, 2);
    ASSERT_LT(i, p.size()) << bits;
    from_side[i] = value.get<double>();
    EXPECT_NEAR(value.get<double>(), p[i], 1e-10) << "outcome " << bits;
  }
  const std::vector<double> classes = apply_rule(side.at("readout"), from_side);
  ASSERT_EQ(classes.size(), static_cast<size_t>(probs.cols()));
  for (size_t k = 0; k < classes.size(); ++k)
    EXPECT_NEAR(classes[k], probs(0, static_cast<nn::Index>(k)), 1e-12) << "class " << k;
}

INSTANTIATE_TEST_SUITE_P(
    Readouts, Sidecar,
    ::testing::Values(Case{"probs", BitOrder::big_endian}, Case{"probs", BitOrder::qiskit},
                      Case{"expval", BitOrder::big_endian}, Case{"expval", BitOrder::qiskit}),
    [](const auto& test) {
      return std::string(test.param.readout) +
             (test.param.order == BitOrder::qiskit ? "_qiskit" : "_big_endian");
    });

// The QASM names each part of the model before its gates, in the model's order.
TEST(StageNotes, EncodingFusionQcnnAndReadoutInOrder) {
  const data::TempDir tmp("qmf-stage-notes");
  qmf::testing::write_fake_mnist(tmp.path() / "data");
  Config c = qmf::testing::small_config(tmp.path() / "data", 1);
  qmf::testing::QuietProgress progress;
  train::train_new(c, tmp.path() / "run", progress);
  auto run = train::load_trained(tmp.path() / "run", {}, "export");
  const size_t index = 0;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  data::gather(run.data.test, {&index, 1}, x, y);
  const std::string text =
      write_qasm(sample_circuit(*run.model->probe(), x), QasmVersion::v3, "header");
  size_t at = 0;
  for (const char* stage :
       {"// encoding:", "// fusion block:", "// QCNN: conv(6)", "// readout:"}) {
    const size_t found = text.find(stage, at);
    ASSERT_NE(found, std::string::npos) << stage << " missing after offset " << at << "\n" << text;
    at = found;
  }
  EXPECT_LT(at, text.find("c[0] = measure"));
  EXPECT_NO_THROW(read_qasm(text, "notes.qasm"));
}

}  // namespace
}  // namespace qmf::exporter
