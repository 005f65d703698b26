#include "grad/param_shift.h"

#include <cmath>
#include <numbers>

#include "core/error.h"

namespace qmf::grad {
namespace {

using sim::Angle;

// Per-sample values of L_b = sum_c dprobs[b][c] P_b(c) with gate `gate`'s slot `slot` moved to a
// fresh parameter holding its old value plus `shift`.
template <typename T>
std::vector<double> shifted_loss(const sim::Program& program, sim::SimOptions options,
                                 const sim::ProductInput& input, std::span<const double> theta,
                                 std::span<const double> sample_angles, std::span<const int> qubits,
                                 std::span<const double> dprobs, size_t gate, int slot,
                                 double shift) {
  const sim::Circuit& c = program.circuit();
  const size_t batch = dprobs.size() >> qubits.size(), sp = c.sample_params();
  sim::Circuit moved(c.qubits());
  for (size_t i = 0; i < c.gates().size(); ++i) {
    const sim::Gate& g = c.gates()[i];
    QMF_CHECK(g.choices == 0, "parameter shift on a circuit with per-sample choices");
    if (g.kind == sim::GateKind::Unitary1 || g.kind == sim::GateKind::Unitary2) {
      moved.add_unitary(c.fixed_matrices()[g.fixed], g.qubits);
      continue;
    }
    auto angles = g.angles;
    if (i == gate) angles[slot] = Angle::sample(static_cast<uint32_t>(sp));
    moved.add(g.kind, g.qubits, angles);
  }
  // Per-sample angles: the original ones plus the shifted angle of this occurrence.
  const Angle a = c.gates()[gate].angles[slot];
  std::vector<double> rows(batch * (sp + 1));
  for (size_t b = 0; b < batch; ++b) {
    for (size_t j = 0; j < sp; ++j) rows[b * (sp + 1) + j] = sample_angles[b * sp + j];
    const double base =
        a.source == Angle::Source::Shared ? theta[a.index] : sample_angles[b * sp + a.index];
    rows[b * (sp + 1) + sp] = base + shift;
  }
  // Moving a gate can leave the last shared index unused; theta shrinks with it.
  std::vector<double> th(theta.begin(), theta.end());
  th.resize(moved.shared_params());
  auto prog = std::make_shared<const sim::Program>(std::move(moved), 0);
  sim::Simulator<T> simulator(prog, options);
  auto state = simulator.make_state(batch);
  simulator.forward(input, th, rows, state);
  std::vector<double> probs(dprobs.size());
  simulator.marginal(state, qubits, probs);
  std::vector<double> loss(batch, 0.0);
  const size_t outcomes = size_t{1} << qubits.size();
  for (size_t b = 0; b < batch; ++b)
    for (size_t k = 0; k < outcomes; ++k)
      loss[b] += dprobs[b * outcomes + k] * probs[b * outcomes + k];
  return loss;
}

}  // namespace

template <typename T>
void parameter_shift(const sim::Program& program, sim::SimOptions options,
                     const sim::ProductInput& input, std::span<const double> theta,
                     std::span<const double> sample_angles, std::span<const int> qubits,
                     std::span<const double> dprobs, Gradients& out) {
  const sim::Circuit& c = program.circuit();
  const size_t batch = dprobs.size() >> qubits.size(), sp = c.sample_params();
  out.theta.assign(c.shared_params(), 0.0);
  out.sample.assign(batch * sp, 0.0);
  out.registers.clear();
  for (size_t i = 0; i < c.gates().size(); ++i) {
    const sim::Gate& g = c.gates()[i];
    const sim::GateInfo& gi = sim::info(g.kind);
    for (int p = 0; p < gi.params; ++p) {
      const std::vector<double> d =
          shift_rule(gi.shift == sim::GateInfo::Shift::FourTerm, [&](double s) {
            return shifted_loss<T>(program, options, input, theta, sample_angles, qubits, dprobs, i,
                                   p, s);
          });
      const Angle a = g.angles[p];
      for (size_t b = 0; b < batch; ++b)
        (a.source == Angle::Source::Shared ? out.theta[a.index] : out.sample[b * sp + a.index]) +=
            d[b];
    }
  }
}

template void parameter_shift<float>(const sim::Program&, sim::SimOptions, const sim::ProductInput&,
                                     std::span<const double>, std::span<const double>,
                                     std::span<const int>, std::span<const double>, Gradients&);
template void parameter_shift<double>(const sim::Program&, sim::SimOptions,
                                      const sim::ProductInput&, std::span<const double>,
                                      std::span<const double>, std::span<const int>,
                                      std::span<const double>, Gradients&);

}  // namespace qmf::grad
