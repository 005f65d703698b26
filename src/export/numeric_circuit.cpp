#include "export/numeric_circuit.h"

#include "core/error.h"

namespace qmf::exporter {

void add_numeric(NumericCircuit& c, sim::GateKind kind, std::array<int, 3> qubits,
                 std::array<double, 3> angles) {
  std::array<sim::Angle, 3> slots{};
  const int params = sim::info(kind).params;
  for (int p = 0; p < params; ++p)
    slots[p] = sim::Angle::shared(static_cast<uint32_t>(c.theta.size() + p));
  // Add first: a rejected gate must not leave orphan values behind in theta.
  c.circuit.add(kind, qubits, slots);
  c.theta.insert(c.theta.end(), angles.begin(), angles.begin() + params);
}

NumericCircuit to_numeric(const sim::Circuit& circuit, std::span<const double> theta,
                          std::span<const double> sample_row, std::vector<int> measured) {
  if (theta.size() < circuit.shared_params())
    throw Error(fmt::format("export: the circuit reads {} shared parameters but {} were given",
                            circuit.shared_params(), theta.size()));
  if (sample_row.size() < circuit.sample_params())
    throw Error(fmt::format("export: the circuit reads {} per-sample angles but the row has {}",
                            circuit.sample_params(), sample_row.size()));
  NumericCircuit out{sim::Circuit(circuit.qubits()), {}, std::move(measured)};
  for (const sim::Gate& g : circuit.gates()) {
    if (g.kind == sim::GateKind::Unitary1 || g.kind == sim::GateKind::Unitary2) {
      out.circuit.add_unitary(circuit.fixed_matrices()[g.fixed], g.qubits);
      continue;
    }
    std::array<double, 3> values{};
    for (int p = 0; p < sim::info(g.kind).params; ++p) {
      const sim::Angle a = g.angles[p];
      values[p] = a.source == sim::Angle::Source::Shared ? theta[a.index] : sample_row[a.index];
    }
    add_numeric(out, g.kind, g.qubits, values);
  }
  return out;
}

}  // namespace qmf::exporter
