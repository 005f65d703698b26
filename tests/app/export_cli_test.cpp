// `qmf export` run as a separate process: the OpenQASM it writes (to stdout or a file) reads
// back with our reader, and its usage errors exit 2.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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
}

}  // namespace
}  // namespace qmf
