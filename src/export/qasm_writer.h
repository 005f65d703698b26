#pragma once
// OpenQASM 2 or 3 text of a numeric circuit (one sample's circuit, export/numeric_circuit.h):
// header, the standard include, one qubit register q[n], one bit register c[r] for the r measured
// qubits, one gate per line in the dialect's spelling (export/qasm_dialect.h), and the final
// measurements. Angles are printed in the shortest form that reads back to the same double, so
// export/qasm_reader.h recovers them bit for bit.
#include <string>
#include <string_view>

#include "export/numeric_circuit.h"
#include "export/qasm_dialect.h"

namespace qmf::exporter {

// `header_comment` (may be empty or span several lines) becomes `//` lines after the version
// line; each of c.stages becomes `//` lines before its gate. Throws qmf::Error, naming the gate,
// for a fixed unitary, a per-sample angle, a missing or non-finite angle value, and for a measured
// qubit out of range or listed twice.
std::string write_qasm(const NumericCircuit& c, QasmVersion v, std::string_view header_comment);

}  // namespace qmf::exporter
