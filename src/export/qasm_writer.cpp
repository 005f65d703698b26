#include "export/qasm_writer.h"

#include <array>
#include <cmath>

#include "core/error.h"

namespace qmf::exporter {
namespace {

// The angles of gate `index`, checked: numeric circuits hold only shared, finite angles.
std::array<double, 3> gate_angles(const NumericCircuit& c, size_t index) {
  const sim::Gate& g = c.circuit.gates()[index];
  const auto where = [&] {
    return fmt::format("export: gate #{} ({})", index, c.circuit.describe(g));
  };
  std::array<double, 3> values{};
  for (int p = 0; p < sim::info(g.kind).params; ++p) {
    const sim::Angle a = g.angles[p];
    if (a.source != sim::Angle::Source::Shared)
      throw Error(where() +
                  " reads a per-sample angle; make the circuit numeric first "
                  "(to_numeric)");
    if (a.index >= c.theta.size())
      throw Error(fmt::format("{} reads theta[{}] but theta has {} values", where(), a.index,
                              c.theta.size()));
    values[p] = c.theta[a.index];
    if (!std::isfinite(values[p]))
      throw Error(fmt::format("{} has a non-finite angle ({})", where(), values[p]));
  }
  return values;
}

void check_measured(const NumericCircuit& c) {
  const int n = c.circuit.qubits();
  for (size_t i = 0; i < c.measured.size(); ++i) {
    const int q = c.measured[i];
    if (q < 0 || q >= n)
      throw Error(
          fmt::format("export: measured qubit {} (bit {}) out of range 0..{}", q, i, n - 1));
    for (size_t j = 0; j < i; ++j)
      if (c.measured[j] == q)
        throw Error(fmt::format("export: qubit {} is measured twice (bits {} and {})", q, j, i));
  }
}

void write_comment(std::string& out, std::string_view comment) {
  while (!comment.empty()) {
    const size_t end = comment.find('\n');
    std::string_view line = comment.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += line.empty() ? "//\n" : fmt::format("// {}\n", line);
    comment = end == std::string_view::npos ? std::string_view{} : comment.substr(end + 1);
  }
}

void write_declarations(std::string& out, int qubits, size_t bits, QasmVersion v) {
  if (v == QasmVersion::v2) {
    out += fmt::format("qreg q[{}];\n", qubits);
    if (bits > 0) out += fmt::format("creg c[{}];\n", bits);
  } else {
    out += fmt::format("qubit[{}] q;\n", qubits);
    if (bits > 0) out += fmt::format("bit[{}] c;\n", bits);
  }
}

// `{}` prints a double in the shortest form that parses back to the same value.
void write_op(std::string& out, const QasmOp& op) {
  out += op.name;
  if (op.has_angle) out += fmt::format("({})", op.angle);
  for (int j = 0; j < op.arity; ++j)
    out += fmt::format("{}q[{}]", j == 0 ? " " : ", ", op.qubits[j]);
  out += ";\n";
}

void write_measurements(std::string& out, const std::vector<int>& measured, QasmVersion v) {
  for (size_t i = 0; i < measured.size(); ++i)
    out += v == QasmVersion::v2 ? fmt::format("measure q[{}] -> c[{}];\n", measured[i], i)
                                : fmt::format("c[{}] = measure q[{}];\n", i, measured[i]);
}

}  // namespace

std::string write_qasm(const NumericCircuit& c, QasmVersion v, std::string_view header_comment) {
  check_measured(c);
  std::string out = v == QasmVersion::v2 ? "OPENQASM 2.0;\n" : "OPENQASM 3.0;\n";
  write_comment(out, header_comment);
  out += fmt::format("include \"{}\";\n", include_file(v));
  write_declarations(out, c.circuit.qubits(), c.measured.size(), v);
  const auto& gates = c.circuit.gates();
  auto note = c.stages.begin();
  const auto write_notes_before = [&](size_t gate) {
    for (; note != c.stages.end() && note->before <= gate; ++note) write_comment(out, note->text);
  };
  for (size_t i = 0; i < gates.size(); ++i) {
    write_notes_before(i);
    const sim::Gate& g = gates[i];
    if (g.kind == sim::GateKind::Unitary1 || g.kind == sim::GateKind::Unitary2)
      throw Error(
          fmt::format("export: gate #{} is a fixed {}-qubit unitary, which OpenQASM "
                      "export does not support (the model never produces one)",
                      i, sim::info(g.kind).qubits));
    const auto angles = gate_angles(c, i);
    for (const QasmOp& op : spell(g.kind, g.qubits, angles.data(), v)) write_op(out, op);
  }
  write_notes_before(gates.size());
  write_measurements(out, c.measured, v);
  return out;
}

}  // namespace qmf::exporter
