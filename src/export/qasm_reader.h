#pragma once
// Reads the OpenQASM subset that write_qasm emits, in either version, back into a numeric
// circuit: the version line, the standard include, one qubit register and at most one bit
// register, gate lines (export/qasm_dialect.h; decomposed gates stay decomposed, each becoming
// the matching sim::GateKind), and final measurements, which must fill every bit exactly once.
// Comments (// and /* */) and free line breaks are allowed; anything else is rejected.
#include <string>
#include <string_view>

#include "export/numeric_circuit.h"

namespace qmf::exporter {

// Throws qmf::Error "name:line: problem" on the first thing it cannot accept: an unknown gate,
// a wrong number of angles or qubits, a qubit out of range or repeated, a bad number, a missing
// header, include or declaration, a gate after a measurement, or any stray text. Never anything
// worse, whatever the input.
NumericCircuit read_qasm(std::string_view text, const std::string& name);

}  // namespace qmf::exporter
