#include "export/sample_circuit.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/ranges.h>

#include "core/error.h"
#include "export/state_prep.h"

namespace qmf::exporter {
namespace {

// The register's amplitudes scaled to unit norm: the amplitude encoding divides by
// sqrt(|h|^2 + eps), so its norm falls short of 1 by ~eps / |h|^2, and the state it stands for
// is its direction.
std::vector<double> unit_amplitudes(const std::vector<std::complex<double>>& reg, size_t m) {
  double norm2 = 0;
  for (const auto& a : reg) norm2 += std::norm(a);
  if (!(norm2 > 1e-300)) {
    throw Error(
        fmt::format("modality {}: its features are all zero, so its register has no state "
                    "to prepare",
                    m + 1));
  }
  std::vector<double> unit;
  unit.reserve(reg.size());
  for (const auto& a : reg) unit.push_back(a.real() / std::sqrt(norm2));
  return unit;
}

void append(NumericCircuit& to, const NumericCircuit& from) {
  for (const sim::Gate& g : from.circuit.gates()) {
    std::array<double, 3> angles{};
    for (int p = 0; p < sim::info(g.kind).params; ++p) angles[p] = from.theta[g.angles[p].index];
    add_numeric(to, g.kind, g.qubits, angles);
  }
}

// The measurements and how their bits make the model's outcome index.
std::string readout_note(const std::vector<int>& measured, BitOrder order) {
  std::vector<std::string> pairs;
  for (size_t i = 0; i < measured.size(); ++i)
    pairs.push_back(fmt::format("q[{}] -> c[{}]", measured[i], i));
  return fmt::format(
      "readout: {}; the outcome index is {} read as a binary number", fmt::join(pairs, ", "),
      order == BitOrder::qiskit ? "the count string c[r-1]...c[0] (Qiskit's order)"
                                : "c[0]c[1]...c[r-1] (c[0] the most significant bit)");
}

// Where each part of the model begins: the encoding (state preparation, or the angle
// encoding's RY gates, which lead the model's circuit), the fusion block, the QCNN, and the
// readout before the measurements. `offset` is where the model's circuit starts in `c`.
void mark_stages(NumericCircuit& c, const model::QmfCircuit& qc, size_t offset,
                 const std::string& readout) {
  const size_t end = c.circuit.gates().size();
  c.stages = {{0, "encoding: each modality's register prepared from |0...0>"},
              {offset + qc.encoding_gates, "fusion block: the registers entangled"}};
  if (offset + qc.fusion_end < end)
    c.stages.push_back(
        {offset + qc.fusion_end, fmt::format("QCNN: {}", fmt::join(qc.schedule, " "))});
  c.stages.push_back({end, readout});
}

}  // namespace

NumericCircuit sample_circuit(model::QmfnnProbe& probe, const std::vector<nn::Matrix>& x,
                              BitOrder order) {
  QMF_CHECK(!x.empty() && x[0].rows() == 1, "one sample expected");
  const model::QmfnnSpec& spec = probe.spec();
  const model::QmfCircuit& qc = probe.qmf_circuit();
  NumericCircuit out{sim::Circuit(qc.circuit.qubits()), {}, qc.readout};
  std::vector<double> sample_row;  // the angle encoding's per-sample RY angles, register order
  if (spec.settings.encoding == Encoding::angle) {
    for (const nn::Matrix& h : probe.features(x))
      for (nn::Index j = 0; j < h.cols(); ++j) sample_row.push_back(h(0, j));
  } else {
    const model::QmfnnProbe::Registers regs = probe.registers(x);
    const std::vector<int> starts = model::register_starts(spec.settings.k);
    for (size_t m = 0; m < regs.size(); ++m)
      append_state_prep(out, starts[m], spec.settings.k[m], unit_amplitudes(regs[m], m));
  }
  const size_t offset = out.circuit.gates().size();
  append(out, to_numeric(qc.circuit, probe.angles(), sample_row));
  if (order == BitOrder::qiskit) std::reverse(out.measured.begin(), out.measured.end());
  mark_stages(out, qc, offset, readout_note(out.measured, order));
  return out;
}

}  // namespace qmf::exporter
