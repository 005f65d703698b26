#pragma once
// One sample's circuit made fully numeric, as `qmf export` writes it: every gate angle is a
// shared parameter with its own concrete value in `theta` (no per-sample angles remain), and the
// qubits measured at the end are listed in the order of the classical bits they land in.
#include <array>
#include <span>
#include <string>
#include <vector>

#include "sim/circuit.h"

namespace qmf::exporter {

// A comment the writer puts before gate `before` (gates().size(): before the measurements),
// naming the part of the model the gates from there on belong to.
struct StageNote {
  size_t before = 0;
  std::string text;
  bool operator==(const StageNote&) const = default;
};

struct NumericCircuit {
  sim::Circuit circuit;
  std::vector<double> theta;      // one value per angle slot of every gate
  std::vector<int> measured;      // classical bit i receives qubit measured[i]
  std::vector<StageNote> stages;  // in gate order; readers leave it empty
};

// Appends `kind` on `qubits` (controls first, target last) with the concrete `angles`
// (info(kind).params of them), each stored as a fresh shared parameter.
void add_numeric(NumericCircuit& c, sim::GateKind kind, std::array<int, 3> qubits,
                 std::array<double, 3> angles = {});

// The circuit with each gate's angles resolved for one sample: shared parameters from `theta`,
// per-sample angles from `sample_row` (one row of circuit.sample_params() values). Fixed
// unitaries are carried over unchanged. Throws qmf::Error when either span is too short.
NumericCircuit to_numeric(const sim::Circuit& circuit, std::span<const double> theta,
                          std::span<const double> sample_row, std::vector<int> measured = {});

}  // namespace qmf::exporter
