#include "export/qasm_dialect.h"

#include <numbers>

#include "core/error.h"

namespace qmf::exporter {
namespace {

using K = sim::GateKind;
constexpr double kPi = std::numbers::pi;

// The standard gates of each subset and the sim gate each becomes. sdg (S^dagger, exactly
// Phase(-pi/2)) is written only inside the OpenQASM 2 spelling of CRY.
// clang-format off
constexpr std::array<QasmGate, 21> kGates{{
    // name   becomes      angles fixed angle     in_v2  in_v3
    {"x",     K::X,         0, false, 0,        true,  true},
    {"y",     K::Y,         0, false, 0,        true,  true},
    {"z",     K::Z,         0, false, 0,        true,  true},
    {"h",     K::H,         0, false, 0,        true,  true},
    {"s",     K::S,         0, false, 0,        true,  true},
    {"sdg",   K::Phase,     0, true,  -kPi / 2, true,  false},
    {"t",     K::T,         0, false, 0,        true,  true},
    {"rx",    K::RX,        1, false, 0,        true,  true},
    {"ry",    K::RY,        1, false, 0,        true,  true},
    {"rz",    K::RZ,        1, false, 0,        true,  true},
    {"p",     K::Phase,     1, false, 0,        false, true},
    {"u1",    K::Phase,     1, false, 0,        true,  false},
    {"cx",    K::CNOT,      0, false, 0,        true,  true},
    {"cz",    K::CZ,        0, false, 0,        true,  true},
    {"swap",  K::SWAP,      0, false, 0,        true,  true},
    {"crx",   K::CRX,       1, false, 0,        false, true},
    {"cry",   K::CRY,       1, false, 0,        false, true},
    {"crz",   K::CRZ,       1, false, 0,        true,  true},
    {"cp",    K::CPhase,    1, false, 0,        false, true},
    {"cu1",   K::CPhase,    1, false, 0,        true,  false},
    {"ccx",   K::Toffoli,   0, false, 0,        true,  true},
}};
// clang-format on

bool offered(const QasmGate& g, QasmVersion v) { return v == QasmVersion::v2 ? g.in_v2 : g.in_v3; }

// The gate of version v that is exactly `kind` with its own angle, if there is one.
const QasmGate* direct_spelling(K kind, QasmVersion v) {
  for (const QasmGate& g : kGates)
    if (g.kind == kind && !g.fixed_angle && offered(g, v)) return &g;
  return nullptr;
}

QasmOp one(std::string_view name, int q) { return {name, {q, 0, 0}, 1, false, 0}; }
QasmOp one(std::string_view name, int q, double angle) { return {name, {q, 0, 0}, 1, true, angle}; }
QasmOp crz(int control, int target, double angle) {
  return {"crz", {control, target, 0}, 2, true, angle};
}

}  // namespace

std::string_view version_name(QasmVersion v) {
  return v == QasmVersion::v2 ? "OpenQASM 2" : "OpenQASM 3";
}

std::string_view include_file(QasmVersion v) {
  return v == QasmVersion::v2 ? "qelib1.inc" : "stdgates.inc";
}

const QasmGate* find_gate(std::string_view name, QasmVersion v) {
  for (const QasmGate& g : kGates)
    if (g.name == name && offered(g, v)) return &g;
  return nullptr;
}

std::string gate_names(QasmVersion v) {
  std::string s;
  for (const QasmGate& g : kGates)
    if (offered(g, v)) s += (s.empty() ? "" : ", ") + std::string(g.name);
  return s;
}

std::vector<QasmOp> spell(K kind, std::array<int, 3> q, const double* angles, QasmVersion v) {
  if (kind == K::Unitary1 || kind == K::Unitary2)
    throw Error(fmt::format("{} has no spelling in OpenQASM: export takes only named gates",
                            sim::info(kind).name));
  if (kind == K::U3)  // U3(t, p, l) = RZ(p) RY(t) RZ(l): RZ(l) acts first
    return {one("rz", q[0], angles[2]), one("ry", q[0], angles[0]), one("rz", q[0], angles[1])};
  if (const QasmGate* g = direct_spelling(kind, v)) {
    const int arity = sim::info(kind).qubits;
    return {{g->name, q, arity, g->angles == 1, g->angles == 1 ? angles[0] : 0.0}};
  }
  const int c = q[0], t = q[1];
  if (kind == K::CRX)  // H RZ(a) H = RX(a); with the control at 0, H H = 1
    return {one("h", t), crz(c, t, angles[0]), one("h", t)};
  if (kind == K::CRY)  // S H RZ(a) H Sdg = S RX(a) Sdg = RY(a), as S X Sdg = Y
    return {one("sdg", t), one("h", t), crz(c, t, angles[0]), one("h", t), one("s", t)};
  QMF_CHECK(false, "spell: no {} spelling of {}", version_name(v), sim::info(kind).name);
  return {};
}

}  // namespace qmf::exporter
