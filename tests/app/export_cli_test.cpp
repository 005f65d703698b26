// `qmf export` run as a separate process: the OpenQASM it writes (to stdout or a file) reads
// back with our reader, and its usage errors exit 2.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/fetch/temp_dir.h"
#include "export/qasm_reader.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "support/trained_runs.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::slurp;

using qmf::testing::contains;

class CliExport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-cli-export");
    qmf::testing::write_data_and_runs(shared_->path(), {"qmfnn", "late"});
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  CommandResult exec_qmf(const std::vector<std::string>& args) const {
    CommandResult r = qmf::testing::run_qmf(args, shared_->path(), shared_->path() / "no-data");
    EXPECT_TRUE(r.exited) << r.describe();
    return r;
  }
  static inline data::TempDir* shared_ = nullptr;
};

TEST_F(CliExport, WritesOpenQasm3ToStdoutAndQasm2ToAFile) {
  const CommandResult r = exec_qmf({"export", "--run", "qmfnn", "--sample", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(r.out.starts_with("OPENQASM 3.0;")) << r.out;
  EXPECT_TRUE(contains(r.out, "test sample 2")) << r.out;
  const exporter::NumericCircuit v3 = exporter::read_qasm(r.out, "stdout");
  EXPECT_EQ(v3.circuit.qubits(), 6);  // k = 3 per register, two registers
  EXPECT_EQ(v3.measured.size(), 2u);  // 4 classes: 2 readout qubits

  const CommandResult f = exec_qmf(
      {"export", "--run", "qmfnn", "--sample", "2", "--format", "qasm2", "--out", "s2.qasm"});
  ASSERT_EQ(f.code, 0) << f.describe();
  const std::string text = slurp(shared_->path() / "s2.qasm");
  EXPECT_TRUE(text.starts_with("OPENQASM 2.0;")) << text;
  EXPECT_EQ(exporter::read_qasm(text, "s2.qasm").measured, v3.measured);
}

TEST_F(CliExport, UsageErrorsExit2) {
  const CommandResult late = exec_qmf({"export", "--run", "late", "--sample", "0"});
  EXPECT_EQ(late.code, 2) << late.describe();
  EXPECT_TRUE(contains(late.err, "qmf export needs a qmfnn model")) << late.describe();
  const CommandResult range = exec_qmf({"export", "--run", "qmfnn", "--sample", "100000"});
  EXPECT_EQ(range.code, 2) << range.describe();
  EXPECT_TRUE(contains(range.err, "--sample 100000")) << range.describe();
  EXPECT_EQ(exec_qmf({"export", "--run", "qmfnn", "--sample", "-1"}).code, 2);
  EXPECT_EQ(exec_qmf({"export", "--run", "qmfnn", "--sample", "0", "--format", "quil"}).code, 2);
  EXPECT_EQ(exec_qmf({"export", "--run", "missing", "--sample", "0"}).code, 2);
  EXPECT_EQ(exec_qmf({"export", "--run", "qmfnn"}).code, 2);
  EXPECT_EQ(exec_qmf({"export", "--run", "qmfnn", "--sample", "0", "--set", "model.k=2"}).code, 2);
  EXPECT_EQ(exec_qmf({"export", "--run", "qmfnn", "--sample", "0", "--bit-order", "le"}).code, 2);
  EXPECT_EQ(exec_qmf({"export", "--run", "qmfnn", "--sample", "0", "--out", "same.qasm",
                      "--sidecar", "same.qasm"})
                .code,
            2);
}

// A circuit written to a file gets its JSON sidecar beside it (FILE.json); --bit-order qiskit
// reverses which classical bit holds which readout qubit and says so in both files.
TEST_F(CliExport, QiskitBitOrderAndTheSidecarBesideTheFile) {
  const CommandResult big =
      exec_qmf({"export", "--run", "qmfnn", "--sample", "1", "--out", "b.qasm"});
  ASSERT_EQ(big.code, 0) << big.describe();
  const CommandResult qk = exec_qmf(
      {"export", "--run", "qmfnn", "--sample", "1", "--bit-order", "qiskit", "--out", "q.qasm"});
  ASSERT_EQ(qk.code, 0) << qk.describe();
  std::vector<int> reversed = exporter::read_qasm(slurp(shared_->path() / "b.qasm"), "b").measured;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(exporter::read_qasm(slurp(shared_->path() / "q.qasm"), "q").measured, reversed);
  const auto big_side = nlohmann::json::parse(slurp(shared_->path() / "b.qasm.json"));
  const auto qk_side = nlohmann::json::parse(slurp(shared_->path() / "q.qasm.json"));
  EXPECT_EQ(big_side.at("bit_order"), "big-endian");
  EXPECT_EQ(qk_side.at("bit_order"), "qiskit");
  EXPECT_EQ(qk_side.at("sample"), 1);
  // The run keeps data.classes = [0,1,2,3]: the names are those labels.
  EXPECT_EQ(qk_side.at("class_names"), nlohmann::json({"0", "1", "2", "3"}));
  EXPECT_EQ(qk_side.at("true_class_name"), std::to_string(qk_side.at("true_class").get<int>()));
  // The outcome index's distribution is the model's, whichever way the bits are laid out.
  EXPECT_EQ(big_side.at("expected_distribution"), qk_side.at("expected_distribution"));
  EXPECT_EQ(qk_side.at("readout").at("kind"), "expval");  // the default readout
  EXPECT_TRUE(contains(slurp(shared_->path() / "q.qasm"), "Qiskit's order"));
  // To standard output: no sidecar unless one is named.
  const CommandResult out =
      exec_qmf({"export", "--run", "qmfnn", "--sample", "1", "--sidecar", "stdout-side.json"});
  ASSERT_EQ(out.code, 0) << out.describe();
  EXPECT_TRUE(fs::exists(shared_->path() / "stdout-side.json"));
}

}  // namespace
}  // namespace qmf
