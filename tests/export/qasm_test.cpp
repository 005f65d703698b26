// The OpenQASM writer's text and the write -> read round trip: a circuit written and read back
// must give the same final state (OpenQASM 3: exactly, as every gate has an exact spelling;
// OpenQASM 2: checked up to a global phase, the freedom qelib1's rz leaves) and the same measured
// qubits. Angles travel as shortest round-trip decimals, so they come back bit for bit.
#include <gtest/gtest.h>

#include <string>

#include "export/qasm_reader.h"
#include "export/qasm_writer.h"
#include "export/state_prep.h"
#include "export_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using exporter::NumericCircuit;
using exporter::QasmVersion;

NumericCircuit small_circuit() {
  NumericCircuit c{sim::Circuit(3), {}, {2, 0}};
  exporter::add_numeric(c, GateKind::H, {0, 0, 0});
  exporter::add_numeric(c, GateKind::CRX, {0, 2, 0}, {0.5});
  exporter::add_numeric(c, GateKind::U3, {1, 0, 0}, {1, 2, 3});
  exporter::add_numeric(c, GateKind::CPhase, {2, 0, 0}, {-0.25});
  return c;
}

TEST(QasmWriter, WritesOpenQasm3) {
  EXPECT_EQ(exporter::write_qasm(small_circuit(), QasmVersion::v3, "qmf export\nsample 7"),
            "OPENQASM 3.0;\n"
            "// qmf export\n"
            "// sample 7\n"
            "include \"stdgates.inc\";\n"
            "qubit[3] q;\n"
            "bit[2] c;\n"
            "h q[0];\n"
            "crx(0.5) q[0], q[2];\n"
            "rz(3) q[1];\n"
            "ry(1) q[1];\n"
            "rz(2) q[1];\n"
            "cp(-0.25) q[2], q[0];\n"
            "c[0] = measure q[2];\n"
            "c[1] = measure q[0];\n");
}

TEST(QasmWriter, WritesOpenQasm2) {
  EXPECT_EQ(exporter::write_qasm(small_circuit(), QasmVersion::v2, "qmf export"),
            "OPENQASM 2.0;\n"
            "// qmf export\n"
            "include \"qelib1.inc\";\n"
            "qreg q[3];\n"
            "creg c[2];\n"
            "h q[0];\n"
            "h q[2];\n"
            "crz(0.5) q[0], q[2];\n"
            "h q[2];\n"
            "rz(3) q[1];\n"
            "ry(1) q[1];\n"
            "rz(2) q[1];\n"
            "cu1(-0.25) q[2], q[0];\n"
            "measure q[2] -> c[0];\n"
            "measure q[0] -> c[1];\n");
}

TEST(QasmWriter, OmitsTheBitRegisterWithoutMeasurementsAndTheCommentWhenEmpty) {
  NumericCircuit c{sim::Circuit(1), {}, {}};
  exporter::add_numeric(c, GateKind::RY, {0, 0, 0}, {0.1});
  EXPECT_EQ(exporter::write_qasm(c, QasmVersion::v3, ""),
            "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[1] q;\nry(0.1) q[0];\n");
}

TEST(QasmWriter, PrintsAnglesThatReadBackBitForBit) {
  NumericCircuit c{sim::Circuit(1), {}, {}};
  const double angles[] = {0.1, 1.0 / 3, -2.718281828459045, 1e-300, 5e-324, -0.0, 6.02214076e23};
  for (double a : angles) exporter::add_numeric(c, GateKind::RX, {0, 0, 0}, {a});
  const NumericCircuit back =
      exporter::read_qasm(exporter::write_qasm(c, QasmVersion::v3, ""), "angles.qasm");
  ASSERT_EQ(back.theta.size(), c.theta.size());
  for (size_t i = 0; i < c.theta.size(); ++i) {
    EXPECT_EQ(back.theta[i], c.theta[i]) << i;
    EXPECT_EQ(std::signbit(back.theta[i]), std::signbit(c.theta[i])) << i;
  }
}

TEST(QasmWriter, RejectsWhatItCannotWrite) {
  NumericCircuit fixed{sim::Circuit(2), {}, {}};
  fixed.circuit.add_unitary(sim::gate_matrix(GateKind::SWAP, nullptr), {0, 1, 0});
  QMF_EXPECT_ERROR(exporter::write_qasm(fixed, QasmVersion::v3, ""),
                   "gate #0 is a fixed 2-qubit unitary, which OpenQASM export does not support");

  NumericCircuit per_sample{sim::Circuit(1), {}, {}};
  per_sample.circuit.add(GateKind::RY, 0, sim::Angle::sample(0));
  QMF_EXPECT_ERROR(exporter::write_qasm(per_sample, QasmVersion::v2, ""),
                   "gate #0 (ry(q0; x[0])) reads a per-sample angle");

  NumericCircuit short_theta{sim::Circuit(1), {}, {}};
  short_theta.circuit.add(GateKind::RY, 0, sim::Angle::shared(3));
  QMF_EXPECT_ERROR(exporter::write_qasm(short_theta, QasmVersion::v3, ""),
                   "reads theta[3] but theta has 0 values");

  NumericCircuit nan{sim::Circuit(1), {}, {}};
  exporter::add_numeric(nan, GateKind::RZ, {0, 0, 0}, {NAN});
  QMF_EXPECT_ERROR(exporter::write_qasm(nan, QasmVersion::v3, ""), "has a non-finite angle");

  NumericCircuit measured = small_circuit();
  measured.measured = {0, 3};
  QMF_EXPECT_ERROR(exporter::write_qasm(measured, QasmVersion::v3, ""),
                   "measured qubit 3 (bit 1) out of range 0..2");
  measured.measured = {1, 2, 1};
  QMF_EXPECT_ERROR(exporter::write_qasm(measured, QasmVersion::v3, ""),
                   "qubit 1 is measured twice (bits 0 and 2)");
}

// Random circuits with every kind the exporter writes, both versions.
void check_round_trips(QasmVersion v, uint64_t seed) {
  Rng rng(seed);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 3 + static_cast<int>(rng.below(3));
    const NumericCircuit c = random_numeric_circuit(rng, n, 30);
    const std::string text = exporter::write_qasm(c, v, "round trip");
    const NumericCircuit back = exporter::read_qasm(text, "trip.qasm");
    ASSERT_EQ(back.circuit.qubits(), n);
    EXPECT_EQ(back.measured, c.measured);
    const auto want = simulate(c), got = simulate(back);
    if (v == QasmVersion::v3) {
      EXPECT_LE(max_abs_diff(got, want), 1e-12) << text;
    } else {
      EXPECT_LE(max_diff_up_to_phase(got, want), 1e-12) << text;
      EXPECT_LE(max_abs_diff(probabilities(got), probabilities(want)), 1e-12) << text;
    }
  }
}

TEST(QasmRoundTrip, OpenQasm3GivesTheSameStateExactly) { check_round_trips(QasmVersion::v3, 801); }

TEST(QasmRoundTrip, OpenQasm2GivesTheSameStateUpToGlobalPhase) {
  check_round_trips(QasmVersion::v2, 802);
}

// Reading expands U3 (and in OpenQASM 2 the controlled rotations) into the gates written, so
// writing what was read reproduces the text.
TEST(QasmRoundTrip, WrittenTextIsAFixedPointOfReadThenWrite) {
  Rng rng(803);
  for (QasmVersion v : {QasmVersion::v3, QasmVersion::v2})
    for (int trial = 0; trial < 10; ++trial) {
      const NumericCircuit c = random_numeric_circuit(rng, 4, 30);
      const std::string text = exporter::write_qasm(c, v, "fixed point");
      const NumericCircuit back = exporter::read_qasm(text, "fixed.qasm");
      if (v == QasmVersion::v3) {
        EXPECT_EQ(exporter::write_qasm(back, v, "fixed point"), text);
      } else {
        // sdg reads as Phase(-pi/2) and is written back as u1(-pi/2): compare the re-read.
        const std::string again = exporter::write_qasm(back, v, "fixed point");
        EXPECT_EQ(exporter::write_qasm(exporter::read_qasm(again, "again.qasm"), v, "fixed point"),
                  again);
      }
    }
}

// A state preparation written out: the exported input encoding survives the trip.
TEST(QasmRoundTrip, CarriesAStatePreparation) {
  Rng rng(804);
  std::vector<double> a(16);
  double norm = 0;
  for (double& x : a) {
    x = rng.normal();
    norm += x * x;
  }
  for (double& x : a) x /= std::sqrt(norm);
  NumericCircuit c{sim::Circuit(4), {}, {0, 1, 2, 3}};
  exporter::append_state_prep(c, 0, 4, a);
  for (QasmVersion v : {QasmVersion::v2, QasmVersion::v3}) {
    const auto got = simulate(exporter::read_qasm(exporter::write_qasm(c, v, ""), "prep.qasm"));
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(std::abs(got[i] - a[i]), 0, 1e-12);
  }
}

}  // namespace
}  // namespace qmf
