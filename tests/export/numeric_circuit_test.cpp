// Numeric circuits (export/numeric_circuit.h): resolving per-sample angles for one sample must
// give the circuit that sample runs, with every angle a shared parameter of its own.
#include <gtest/gtest.h>

#include "export_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using exporter::NumericCircuit;

TEST(QasmNumericCircuit, ToNumericResolvesPerSampleAngles) {
  Rng rng(501);
  for (int trial = 0; trial < 10; ++trial) {
    CircuitSpec spec;
    spec.qubits = 4;
    spec.gates = 30;
    spec.sample = 5;
    spec.fixed = false;
    const sim::Circuit circuit = random_circuit(rng, spec);
    std::vector<double> theta(circuit.shared_params()), rows(3 * circuit.sample_params());
    for (double& t : theta) t = random_angle(rng);
    for (double& t : rows) t = random_angle(rng);
    const size_t sp = circuit.sample_params();

    // The batch of three runs the original circuit; each sample's numeric circuit must agree.
    sim::Simulator<double> s(compile(circuit), {1, qmf::best_isa()});
    auto state = s.make_state(3);
    std::vector<cplx> zero(3 * 16, 0.0);
    for (size_t b = 0; b < 3; ++b) zero[b * 16] = 1.0;
    s.forward({{4}, {zero}}, theta, rows, state);
    const auto batch = state_values(state);
    for (size_t b = 0; b < 3; ++b) {
      const NumericCircuit c =
          exporter::to_numeric(circuit, theta, std::span(rows).subspan(b * sp, sp), {3, 1});
      EXPECT_EQ(c.circuit.sample_params(), 0u);
      EXPECT_EQ(c.circuit.gates().size(), circuit.gates().size());
      EXPECT_EQ(c.theta.size(), c.circuit.shared_params());
      EXPECT_EQ(c.measured, (std::vector<int>{3, 1}));
      const std::vector<cplx> want(batch.begin() + b * 16, batch.begin() + (b + 1) * 16);
      EXPECT_LE(max_abs_diff(simulate(c), want), 1e-14) << "trial " << trial << " sample " << b;
    }
  }
}

TEST(QasmNumericCircuit, EveryAngleSlotGetsItsOwnParameter) {
  sim::Circuit shared(2);
  shared.add(GateKind::RY, 0, sim::Angle::shared(0));
  shared.add(GateKind::RY, 1, sim::Angle::shared(0));  // weight sharing in the model
  shared.add(GateKind::U3, {0, 0, 0},
             {sim::Angle::sample(1), sim::Angle::shared(0), sim::Angle::sample(0)});
  const std::vector<double> theta{0.5}, row{-1.0, 2.0};
  const NumericCircuit c = exporter::to_numeric(shared, theta, row);
  EXPECT_EQ(c.theta, (std::vector<double>{0.5, 0.5, 2.0, 0.5, -1.0}));
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(c.circuit.gates()[i].angles[0].index, i);
}

TEST(QasmNumericCircuit, CarriesFixedUnitariesAndChecksSizes) {
  Rng rng(502);
  sim::Circuit circuit(2);
  circuit.add_unitary(random_unitary(rng, 4), {0, 1, 0});
  circuit.add(GateKind::RX, 0, sim::Angle::sample(2));
  circuit.add(GateKind::RZ, 1, sim::Angle::shared(1));
  const std::vector<double> theta{0.1, 0.2}, row{1, 2, 3};
  const NumericCircuit c = exporter::to_numeric(circuit, theta, row);
  EXPECT_EQ(c.circuit.gates()[0].kind, GateKind::Unitary2);
  EXPECT_EQ(c.circuit.fixed_matrices()[0], circuit.fixed_matrices()[0]);
  EXPECT_EQ(c.theta, (std::vector<double>{3, 0.2}));
  QMF_EXPECT_ERROR(exporter::to_numeric(circuit, std::span(theta).first(1), row),
                   "the circuit reads 2 shared parameters but 1 were given");
  QMF_EXPECT_ERROR(exporter::to_numeric(circuit, theta, std::span(row).first(2)),
                   "the circuit reads 3 per-sample angles but the row has 2");
}

TEST(QasmNumericCircuit, AddNumericLeavesNothingBehindOnABadGate) {
  NumericCircuit c{sim::Circuit(2), {}, {}};
  QMF_EXPECT_ERROR(exporter::add_numeric(c, GateKind::CRX, {1, 1, 0}, {0.3}), "used twice");
  EXPECT_TRUE(c.theta.empty());
  EXPECT_TRUE(c.circuit.gates().empty());
}

}  // namespace
}  // namespace qmf
