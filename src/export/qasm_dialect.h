#pragma once
// The two OpenQASM dialects `qmf export` speaks, as data: which standard gates each version's
// include file offers, what each reads as in sim::GateKind terms, and how each of our gates is
// spelled with them. The writer and the reader both go through this table, so a gate written is
// a gate the reader knows.
//
// OpenQASM 3 (stdgates.inc) has exact equivalents of all our gates but U3, which is spelled
// rz(l); ry(t); rz(p) (our U3 = RZ(p) RY(t) RZ(l), sim/gates.h). OpenQASM 2 (qelib1.inc) lacks
// crx, cry, p and cp; it has crz (exactly controlled-RZ), u1 = phase, cu1 = controlled phase,
// so CRX = H CRZ H and CRY = S H CRZ H Sdg on the target. qelib1's rz is u1, which equals our
// RZ only up to a global phase: harmless for single-qubit gates.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "sim/gates.h"

namespace qmf::exporter {

enum class QasmVersion { v2, v3 };

std::string_view version_name(QasmVersion v);  // "OpenQASM 2" / "OpenQASM 3"
std::string_view include_file(QasmVersion v);  // "qelib1.inc" / "stdgates.inc"

// A standard gate name as the reader understands it.
struct QasmGate {
  std::string_view name;
  sim::GateKind kind;  // the gate it becomes
  int angles;          // angles written in the file: 0 or 1
  bool fixed_angle;    // sdg: Phase with the angle below instead of one from the file
  double angle;
  bool in_v2, in_v3;
};

// The gate called `name` in version v, or nullptr when the subset has no such gate.
const QasmGate* find_gate(std::string_view name, QasmVersion v);
// Comma-separated list of the gate names of version v, for error messages.
std::string gate_names(QasmVersion v);

// One gate line: a standard gate name applied to `arity` qubits with at most one angle.
struct QasmOp {
  std::string_view name;
  std::array<int, 3> qubits{};
  int arity = 1;
  bool has_angle = false;
  double angle = 0;
};

// Our gate `kind` with `angles` (info(kind).params values) on `qubits`, spelled in version v.
// Throws qmf::Error for the fixed unitaries, which have no spelling.
std::vector<QasmOp> spell(sim::GateKind kind, std::array<int, 3> qubits, const double* angles,
                          QasmVersion v);

}  // namespace qmf::exporter
