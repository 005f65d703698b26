// A trained QMFNN exported for one sample, read back by our own OpenQASM reader and simulated
// from |0...0>, gives the model's own readout distribution: for every encoding and readout, in
// both OpenQASM versions.
#include "export/sample_circuit.h"
#include "data/batch.h"

#include <gtest/gtest.h>

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

// P over the measured qubits (big-endian in the order measured) of a final state.
std::vector<double> measured_marginal(const std::vector<sim::cplx>& psi, int n,
                                      const std::vector<int>& measured) {
  std::vector<double> p(size_t{1} << measured.size(), 0.0);
  for (size_t i = 0; i < psi.size(); ++i) {
    size_t outcome = 0;
    for (int q : measured) outcome = (outcome << 1) | ((i >> (n - 1 - q)) & 1);
    p[outcome] += std::norm(psi[i]);
  }
  return p;
}

struct Case {
  const char* encoding;
  const char* readout;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.encoding << ' ' << c.readout; }

class ExportedSample : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new data::TempDir("qmf-export-test");
    qmf::testing::write_fake_mnist(tmp_->path() / "data");
  }
  static void TearDownTestSuite() {
    delete tmp_;
    tmp_ = nullptr;
  }
  static data::TempDir* tmp_;
};
data::TempDir* ExportedSample::tmp_ = nullptr;

TEST_P(ExportedSample, ReadsBackToTheModelsReadoutDistribution) {
  Config c = qmf::testing::small_config(tmp_->path() / "data", 1);
  apply_override(c, std::string("model.encoding=") + GetParam().encoding);
  apply_override(c, std::string("model.readout=") + GetParam().readout);
  const auto dir = tmp_->path() / (std::string(GetParam().encoding) + "-" + GetParam().readout);
  qmf::testing::QuietProgress progress;
  train::train_new(c, dir, progress);
  auto run = train::load_trained(dir, {}, "export");
  auto& probe = *run.model->probe();
  for (size_t index : {size_t{0}, size_t{5}}) {
    std::vector<nn::Matrix> x;
    std::vector<int> y;
    data::gather(run.data.test, {&index, 1}, x, y);
    nn::Matrix marginal, probs;
    probe.run_from(probe.registers(x), marginal, probs);
    const NumericCircuit exported = sample_circuit(probe, x);
    for (QasmVersion v : {QasmVersion::v3, QasmVersion::v2}) {
      const NumericCircuit back = read_qasm(write_qasm(exported, v, "test"), "sample.qasm");
      EXPECT_EQ(back.measured, probe.qmf_circuit().readout);
      const std::vector<double> p =
          measured_marginal(qmf::testing::simulate(back), back.circuit.qubits(), back.measured);
      ASSERT_EQ(p.size(), static_cast<size_t>(marginal.cols()));
      for (size_t o = 0; o < p.size(); ++o)
        EXPECT_NEAR(p[o], marginal(0, static_cast<nn::Index>(o)), 1e-10)
            << "outcome " << o << " sample " << index << " " << version_name(v);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, ExportedSample,
                         ::testing::Values(Case{"amplitude", "probs"}, Case{"belief", "expval"},
                                           Case{"angle", "probs"}),
                         [](const auto& test) {
                           return std::string(test.param.encoding) + "_" + test.param.readout;
                         });

}  // namespace
}  // namespace qmf::exporter
