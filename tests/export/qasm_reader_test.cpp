// The OpenQASM reader on text it did not write: what it accepts beyond the writer's exact
// layout, one test per kind of error (each naming file:line and the problem), and a mutation
// fuzz that may only ever produce a circuit or a qmf::Error.
#include <gtest/gtest.h>

#include <numbers>
#include <string>

#include "export/qasm_reader.h"
#include "export/qasm_writer.h"
#include "export_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using exporter::NumericCircuit;
using exporter::QasmVersion;

const std::string kV3 = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[1] c;\n";
const std::string kV2 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[1];\n";

NumericCircuit read(const std::string& text) { return exporter::read_qasm(text, "t.qasm"); }

TEST(QasmReader, AcceptsExpressionsCommentsAndFreeLayout) {
  const NumericCircuit c = read(
      "// leading comment\nOPENQASM 3;\ninclude \"stdgates.inc\"; /* block\ncomment */\n"
      "qubit[2] q; bit[2] c;\n"
      "rx(pi/2) q[0]; ry(-3*pi/4) q[1]; rz(+(pi + 1) / 2) q[0];\n"
      "p(2e-3)\n  q[1];  // trailing\n"
      "crz(-.5) q[1],q[0];\r\n"
      "measure q[1] -> c[0];\nc[1] = measure q[0];\n");
  const double pi = std::numbers::pi;
  EXPECT_EQ(c.theta, (std::vector<double>{pi / 2, -3 * pi / 4, (pi + 1) / 2, 2e-3, -0.5}));
  EXPECT_EQ(c.measured, (std::vector<int>{1, 0}));
  ASSERT_EQ(c.circuit.gates().size(), 5u);
  EXPECT_EQ(c.circuit.gates()[4].kind, GateKind::CRZ);
  EXPECT_EQ(c.circuit.gates()[4].qubits[0], 1);
}

TEST(QasmReader, ReadsQasm2GatesAsOurKinds) {
  const NumericCircuit c =
      read(kV2 + "sdg q[0];\nu1(0.25) q[1];\ncu1(0.5) q[0], q[1];\nmeasure q[0] -> c[0];\n");
  ASSERT_EQ(c.circuit.gates().size(), 3u);
  EXPECT_EQ(c.circuit.gates()[0].kind, GateKind::Phase);
  EXPECT_EQ(c.circuit.gates()[1].kind, GateKind::Phase);
  EXPECT_EQ(c.circuit.gates()[2].kind, GateKind::CPhase);
  EXPECT_EQ(c.theta, (std::vector<double>{-std::numbers::pi / 2, 0.25, 0.5}));
}

TEST(QasmReader, ReadsACircuitWithoutMeasurements) {
  const NumericCircuit c =
      read("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg r[3];\nccx r[0], r[1], r[2];\n");
  EXPECT_EQ(c.circuit.qubits(), 3);
  EXPECT_TRUE(c.measured.empty());
  EXPECT_EQ(c.circuit.gates().size(), 1u);
}

struct BadInput {
  std::string text, message;
};

TEST(QasmReader, ErrorsNameTheLineAndTheProblem) {
  const std::vector<BadInput> cases = {
      {"", "t.qasm:1: expected the header 'OPENQASM 2.0;' or 'OPENQASM 3.0;', found end of file"},
      {"include \"stdgates.inc\";", "t.qasm:1: expected the header"},
      {"OPENQASM 4.0;", "t.qasm:1: unsupported OpenQASM version '4.0' (expected 2.0 or 3.0)"},
      {"OPENQASM 3.0", "t.qasm:1: expected ';' after the OPENQASM version, found end of file"},
      {kV3 + "foo q[0];", "t.qasm:5: unknown gate 'foo' (OpenQASM 3 subset: x, y, z, h, s, t,"},
      {kV2 + "crx(1) q[0], q[1];", "t.qasm:5: unknown gate 'crx' (OpenQASM 2 subset:"},
      {kV3 + "sdg q[0];", "t.qasm:5: unknown gate 'sdg'"},
      {kV3 + "rx q[0];", "t.qasm:5: gate 'rx' takes 1 angle, got 0"},
      {kV3 + "rx(1, 2) q[0];", "t.qasm:5: gate 'rx' takes 1 angle, got 2"},
      {kV3 + "h(1) q[0];", "t.qasm:5: gate 'h' takes 0 angles, got 1"},
      {kV3 + "rx(1,2,3,4) q[0];", "t.qasm:5: gate 'rx' has too many angles"},
      {kV3 + "cx q[0];", "t.qasm:5: gate 'cx' takes 2 qubits, got 1"},
      {kV3 + "h q[0], q[1];", "t.qasm:5: gate 'h' takes 1 qubit, got more"},
      {kV3 + "cx q[1], q[1];", "t.qasm:5: gate 'cx' uses q[1] twice"},
      {kV3 + "h q[2];", "t.qasm:5: qubit index 2 out of range for q[2]"},
      {kV3 + "h q[99999999999999999999];",
       "t.qasm:5: a qubit index 99999999999999999999 is too large"},
      {kV3 + "h q;",
       "t.qasm:5: expected '[' after 'q' (whole-register operands are not supported)"},
      {kV3 + "h r[0];", "t.qasm:5: unknown qubit register 'r' (declared: 'q')"},
      {kV3 + "h q[-1];", "t.qasm:5: expected a qubit index, found '-'"},
      {kV3 + "h q[0]", "t.qasm:5: expected ';' after gate 'h', found end of file"},
      {kV3 + "rx(1.2.3) q[0];", "t.qasm:5: bad number '1.2.3'"},
      {kV3 + "rx(1e) q[0];", "t.qasm:5: bad number '1e'"},
      {kV3 + "rx(1e999) q[0];", "t.qasm:5: number 1e999 is out of range"},
      {kV3 + "rx(1/0) q[0];", "t.qasm:5: angle is not finite (inf)"},
      {kV3 + "rx(tau) q[0];", "t.qasm:5: expected an angle (a number or pi), found 'tau'"},
      {kV3 + "rx(" + std::string(100, '(') + "1" + std::string(100, ')') + ") q[0];",
       "t.qasm:5: angle expression nested too deeply"},
      {kV3 + "rx(" + std::string(100000, '-') + "1) q[0];", "nested too deeply"},
      {kV3 + "rx((1 q[0];", "t.qasm:5: expected ')' to close '(' in an angle, found 'q'"},
      {"OPENQASM 3.0;\nqubit[1] q;\nh q[0];",
       "t.qasm:3: gate 'h' used before include \"stdgates.inc\""},
      {"OPENQASM 3.0;\ninclude \"qelib1.inc\";",
       "t.qasm:2: cannot include \"qelib1.inc\": OpenQASM 3 files include \"stdgates.inc\""},
      {"OPENQASM 3.0;\ninclude stdgates;",
       "t.qasm:2: expected a quoted file name after include, found 'stdgates'"},
      {"OPENQASM 3.0;\ninclude \"stdgates.inc\";\nh q[0];",
       "t.qasm:3: gate 'h' used before the qubit register is declared"},
      {"OPENQASM 3.0;\ninclude \"stdgates.inc\";\n", "t.qasm:3: no qubit register declared"},
      {"OPENQASM 3.0;\nqreg q[2];",
       "t.qasm:2: 'qreg' declarations are not OpenQASM 3 (it uses qubit[n] q; / bit[n] c;)"},
      {"OPENQASM 2.0;\nqubit[2] q;", "t.qasm:2: 'qubit' declarations are not OpenQASM 2"},
      {"OPENQASM 3.0;\nqubit[0] q;", "t.qasm:2: a register needs at least one bit or qubit"},
      {"OPENQASM 3.0;\nqubit[31] q;", "t.qasm:2: a register size 31 is too large (at most 30)"},
      {"OPENQASM 3.0;\nqubit[2] q;\nqubit[2] r;",
       "t.qasm:3: a second qubit register 'r': only one is supported"},
      {"OPENQASM 3.0;\nqubit[2] q;\nbit[2] q;", "t.qasm:3: register name 'q' used twice"},
      {"OPENQASM 3.0;\nqubit[2] h;",
       "t.qasm:2: 'h' cannot name a register: it is a gate or keyword"},
      {"OPENQASM 3.0;\nqubit q;",
       "t.qasm:2: expected '[' after 'qubit' (single-qubit declarations are not supported), found "
       "'q'"},
      {kV3 + "c[0] = measure q[0];\nh q[0];",
       "t.qasm:6: gate 'h' after a measurement: only final measurements are supported"},
      {kV3 + "c[0] = measure q[0];\nc[0] = measure q[1];", "t.qasm:6: c[0] is measured twice"},
      {kV2 + "creg d[2];", "t.qasm:5: a second bit register 'd'"},
      {kV3 + "c[0] = q[0];",
       "t.qasm:5: expected 'measure' (the only assignment supported), found 'q'"},
      {kV2 + "measure q[0] -> c[1];", "t.qasm:5: bit index 1 out of range for c[1]"},
      {kV2 + "measure q[0] c[0];", "t.qasm:5: expected '->' after 'measure q[j]', found 'c'"},
      {"OPENQASM 2.0;\nqreg q[2];\nmeasure q[0] -> c[0];",
       "t.qasm:3: 'c' used before any bit register is declared"},
      {kV2 + "h q[0];\n\n", "t.qasm:7: c[0] is never measured"},
      {"OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nc[0] = measure q[1];\nc[1] = measure q[1];",
       "t.qasm:5: q[1] is measured twice"},
      {kV3 + "h q[0]; @", "t.qasm:5: unexpected character '@'"},
      {kV3 + std::string("h q[0];\x01"), "t.qasm:5: unexpected byte 0x01"},
      {kV3 + "/* never closed\n\n", "t.qasm:5: unterminated /* comment"},
      {"OPENQASM 3.0;\ninclude \"stdgates.inc\n\";", "t.qasm:2: unterminated string"},
      {kV3 + "42;", "t.qasm:5: expected a statement, found '42'"},
  };
  for (const BadInput& b : cases)
    QMF_EXPECT_ERROR(read(b.text), b.message) << b.text.substr(0, 200);
}

// Random damage to valid files: the reader must either read a circuit or throw qmf::Error.
TEST(QasmReader, SurvivesMutatedInput) {
  Rng rng(901);
  static constexpr char kAlphabet[] =
      "qc[]();,->=*/+.0123456789e pi\n\"/*hxcrzmeasureOPENQASM\x00\xff";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);  // keeps the NUL byte
  int accepted = 0, rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const QasmVersion v = trial % 2 ? QasmVersion::v2 : QasmVersion::v3;
    std::string text = exporter::write_qasm(random_numeric_circuit(rng, 3, 8), v, "fuzz");
    const int edits = 1 + static_cast<int>(rng.below(4));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rng.below(text.size());
      switch (rng.below(4)) {
        case 0:
          text[at] = alphabet[rng.below(alphabet.size())];
          break;
        case 1:
          text.erase(at, 1 + rng.below(8));
          break;
        case 2:
          text.insert(at, 1, alphabet[rng.below(alphabet.size())]);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    try {
      const NumericCircuit c = exporter::read_qasm(text, "fuzz.qasm");
      ++accepted;
      EXPECT_EQ(c.theta.size(), c.circuit.shared_params());
    } catch (const Error& e) {
      ++rejected;
      EXPECT_EQ(std::string(e.what()).rfind("fuzz.qasm:", 0), 0u) << e.what();
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace qmf
