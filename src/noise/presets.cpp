#include "noise/presets.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <unsupported/Eigen/KroneckerProduct>

#include "core/error.h"

namespace qmf::noise {
namespace {

using sim::MatrixC;

// The figures, each as its source states it (docs/NOISE.md, "Presets", has the table).
constexpr DeviceFigures kDevices[] = {
    // IBM Heron r2, the 156-qubit ibm_fez: medians of the calibration of July 4, 2024, in
    // M. AbuGhanem, "IBM Quantum Computers: Evolution, Performance, and Future Directions",
    // arXiv:2410.00916v1 (2024), Table IV: SX error 2.88e-4, CZ error 2.848e-3 (both from
    // randomized benchmarking, i.e. average gate infidelities), CZ gate time 68 ns, T1 136.52 us,
    // T2 78.58 us, P(meas 1 | prep 0) 1.270e-2, P(meas 0 | prep 1) 2.000e-2. The table gives no
    // one-qubit gate time, so no relaxation is modelled after one-qubit gates.
    {.name = "ibm-heron-r2",
     .gate_error_1q = 2.88e-4,
     .gate_error_2q = 2.848e-3,
     .t1 = 136.52e-6,
     .t2 = 78.58e-6,
     .gate_time_1q = 0,
     .gate_time_2q = 68e-9,
     .readout = {.p01 = 1.270e-2, .p10 = 2.000e-2}},
    // IonQ Aria: Microsoft Azure Quantum documentation, "IonQ provider", tables "System timing"
    // and "System fidelity" (learn.microsoft.com/azure/quantum/provider-ionq, read 2025): T1
    // 10-100 s (the lower end taken), T2 1 s, one-qubit gate 135 us, two-qubit gate 600 us;
    // average fidelities 99.95 % (one-qubit gate, SPAM corrected), 99.6 % (two-qubit gate, not
    // SPAM corrected), SPAM 99.61 % (taken as a symmetric readout error of 0.39 %).
    {.name = "ionq-aria",
     .gate_error_1q = 5e-4,  // 1 - 99.95 %
     .gate_error_2q = 4e-3,  // 1 - 99.6 %
     .t1 = 10.0,
     .t2 = 1.0,
     .gate_time_1q = 135e-6,
     .gate_time_2q = 600e-6,
     .readout = {.p01 = 3.9e-3, .p10 = 3.9e-3}},  // 1 - 99.61 %
};

// Amplitude then phase damping over time t (presets.h); none when t is 0 (not published).
std::vector<Channel> relaxation(const DeviceFigures& d, double t) {
  if (t <= 0) return {};
  const double dephasing_rate = 1 / d.t2 - 1 / (2 * d.t1);  // 1 / T_phi
  QMF_CHECK(dephasing_rate >= 0, "preset {}: T2 = {} s exceeds 2 T1 = {} s", d.name, d.t2,
            2 * d.t1);
  return {{ChannelKind::amplitude_damping, 1 - std::exp(-t / d.t1)},
          {ChannelKind::phase_damping, 1 - std::exp(-2 * t * dephasing_rate)}};
}

// A one-qubit channel on qubit `which` (0: the first, high bit) of a pair.
MatrixC on_pair(const Channel& c, int which) {
  const MatrixC id = MatrixC::Identity(2, 2);
  std::vector<MatrixC> lifted;
  for (const MatrixC& k : kraus_operators(c))
    lifted.push_back(which == 0 ? MatrixC(Eigen::kroneckerProduct(k, id))
                                : MatrixC(Eigen::kroneckerProduct(id, k)));
  return superoperator(lifted);
}

// The superoperator of the channels after a gate on `qubits` qubits, composed in list order.
MatrixC composed(std::span<const Channel> channels, int qubits) {
  const Eigen::Index d = Eigen::Index{1} << qubits;
  MatrixC s = MatrixC::Identity(d * d, d * d);
  for (const Channel& c : channels) {
    QMF_CHECK(qubits == 2 || channel_qubits(c.kind) == 1, "{} after a one-qubit gate",
              channel_name(c.kind));
    if (qubits == 1 || channel_qubits(c.kind) == 2)
      s = superoperator(c) * s;
    else
      s = on_pair(c, 1) * on_pair(c, 0) * s;
  }
  return s;
}

// The depolarizing p that, followed by `rest`, makes the average infidelity r. Depolarizing
// scales every non-identity Pauli component by mu = 1 - D^2 p / (D^2 - 1) and keeps the
// identity's, so the composed superoperator's trace is 1 + mu (Tr S_rest - 1); the published r
// asks for a trace of D^2 - D (D + 1) r.
double fitted_depolarizing(double r, std::span<const Channel> rest, int qubits) {
  const double d = 1 << qubits, d2 = d * d;
  const double wanted = d2 - d * (d + 1) * r;
  const double rest_trace = composed(rest, qubits).trace().real();
  const double mu = (wanted - 1) / (rest_trace - 1);
  return std::clamp((1 - mu) * (d2 - 1) / d2, 0.0, 1.0);
}

std::vector<Channel> then(std::vector<Channel> first, const std::vector<Channel>& rest) {
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

}  // namespace

std::span<const DeviceFigures> device_figures() { return kDevices; }

const DeviceFigures* find_device(std::string_view name) {
  for (const DeviceFigures& d : kDevices)
    if (d.name == name) return &d;
  return nullptr;
}

NoiseModel device_model(const DeviceFigures& d) {
  const std::vector<Channel> relax1 = relaxation(d, d.gate_time_1q);
  const std::vector<Channel> relax2 = relaxation(d, d.gate_time_2q);
  const double p1 = fitted_depolarizing(d.gate_error_1q, relax1, 1);
  const double p2 = fitted_depolarizing(d.gate_error_2q, relax2, 2);
  const double p3 = 1 - (1 - p2) * (1 - p2);
  NoiseModel m;
  m.after_one_qubit = then({{ChannelKind::depolarizing, p1}}, relax1);
  m.after_two_qubit = then({{ChannelKind::depolarizing2, p2}}, relax2);
  m.after_three_qubit = then({{ChannelKind::depolarizing, p3}}, relaxation(d, 6 * d.gate_time_2q));
  m.readout = d.readout;
  return m;
}

double average_infidelity(std::span<const Channel> channels, int qubits) {
  QMF_CHECK(qubits == 1 || qubits == 2, "average_infidelity on {} qubits", qubits);
  const double d = 1 << qubits;
  const double trace = composed(channels, qubits).trace().real();
  return 1 - (trace / d + 1) / (d + 1);
}

}  // namespace qmf::noise
