#include "noise/trajectories.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "sim/measure.h"

namespace qmf::noise {
namespace {

// The stream of a sample's runs, apart from the shot streams that use the same seed.
constexpr uint64_t kTrajectoryStream = 0x7472616a;  // "traj"

}  // namespace

Unravelling unravel(const Channel& c) {
  // Phase damping scales the coherences by sqrt(1 - p), as a phase flip of this probability
  // does; drawn as that flip, its runs keep norm 1.
  if (c.kind == ChannelKind::phase_damping)
    return unravel({ChannelKind::phase_flip, (1 - std::sqrt(1 - c.p)) / 2});
  Unravelling u;
  for (const sim::MatrixC& k : kraus_operators(c)) {
    const double q = (k.adjoint() * k).trace().real() / static_cast<double>(k.rows());
    if (q <= 0) continue;
    u.operators.push_back(k / std::sqrt(q));
    u.probabilities.push_back(q);
  }
  return u;
}

template <typename T>
TrajectorySimulator<T>::~TrajectorySimulator() = default;

namespace {

// The circuit with every channel a per-sample choice: its own per-sample angles first, then
// channel position j at index own + j. Fills `cumulative` with each position's draw.
sim::Circuit unravelled(const sim::Circuit& circuit, const NoiseModel& noise,
                        std::vector<std::vector<double>>& cumulative) {
  sim::Circuit out(circuit.qubits());
  const uint32_t own = circuit.sample_params();
  const auto choose = [&](const Channel& ch, std::array<int, 3> qubits) {
    const Unravelling u = unravel(ch);
    out.add_choice(u.operators, qubits, own + static_cast<uint32_t>(cumulative.size()));
    std::vector<double> sums(u.probabilities.size());
    std::partial_sum(u.probabilities.begin(), u.probabilities.end(), sums.begin());
    cumulative.push_back(std::move(sums));
  };
  for (const sim::Gate& g : circuit.gates()) {
    QMF_CHECK(g.unitary && g.choices == 0, "trajectories of a circuit that is already noisy");
    const int k = sim::info(g.kind).qubits;
    if (g.kind == sim::GateKind::Unitary1 || g.kind == sim::GateKind::Unitary2)
      out.add_unitary(circuit.fixed_matrices()[g.fixed], g.qubits);
    else
      out.add(g.kind, g.qubits, g.angles, g.conjugated);
    for (const Channel& ch : channels_after(noise, k)) {
      if (ch.p == 0) continue;
      if (channel_qubits(ch.kind) == 2) {
        QMF_CHECK(k == 2, "a two-qubit channel after a {}-qubit gate", k);
        choose(ch, {g.qubits[0], g.qubits[1], 0});
        continue;
      }
      for (int j = 0; j < k; ++j) choose(ch, {g.qubits[j], 0, 0});
    }
  }
  return out;
}

}  // namespace

template <typename T>
TrajectorySimulator<T>::TrajectorySimulator(const sim::Circuit& circuit, const NoiseModel& noise,
                                            uint32_t trajectories, uint64_t seed,
                                            sim::SimOptions options, size_t slice_bytes)
    : trajectories_(trajectories),
      seed_(mix_seed(seed, kTrajectoryStream)),
      slice_bytes_(slice_bytes),
      own_params_(circuit.sample_params()),
      program_(std::make_shared<const sim::Program>(unravelled(circuit, noise, cumulative_))),
      sim_(program_, options) {
  QMF_CHECK(trajectories > 0, "trajectories must be positive");
}

template <typename T>
void TrajectorySimulator<T>::draw(uint64_t row, uint32_t run, std::span<const double> own,
                                  double* angles) const {
  StreamRng rng(mix_seed(mix_seed(seed_, row), run));
  std::copy(own.begin(), own.end(), angles);
  for (size_t j = 0; j < cumulative_.size(); ++j) {
    const std::vector<double>& sums = cumulative_[j];
    const double u = rng.uniform() * sums.back();
    const auto pick = std::upper_bound(sums.begin(), sums.end() - 1, u) - sums.begin();
    angles[own_params_ + j] = static_cast<double>(pick);
  }
}

template <typename T>
void TrajectorySimulator<T>::run(const sim::ProductInput& input, std::span<const double> theta,
                                 std::span<const double> sample_angles, std::span<const int> qubits,
                                 uint64_t first_row, std::span<double> out,
                                 std::vector<std::vector<sim::MatrixC>>* register_states) {
  const size_t outcomes = size_t{1} << qubits.size(), batch = out.size() / outcomes;
  const size_t state_bytes = 2 * sizeof(T) << program_->qubits();
  const size_t per_slice = std::max<size_t>(1, slice_bytes_ / state_bytes);  // runs at once
  Sums sums{.marginal = std::vector<double>(out.size()), .registers = {}};
  if (register_states)
    for (int k : input.qubits)
      sums.registers.emplace_back(batch,
                                  sim::MatrixC::Zero(Eigen::Index{1} << k, Eigen::Index{1} << k));
  const size_t total = batch * trajectories_;
  for (size_t first = 0; first < total; first += per_slice)
    run_slice(input, theta, sample_angles, qubits, first_row, first,
              std::min(total, first + per_slice), sums);
  // Each run weighs by its norm (1 but for amplitude damping's operators): the runs' summed
  // unnormalised marginals over their summed norms.
  for (size_t b = 0; b < batch; ++b) {
    const std::span<double> o = out.subspan(b * outcomes, outcomes);
    const std::span<const double> sum = std::span(sums.marginal).subspan(b * outcomes, outcomes);
    const double weight = std::accumulate(sum.begin(), sum.end(), 0.0);
    QMF_CHECK(weight > 0, "every run of sample {} has norm 0", first_row + b);
    for (size_t c = 0; c < outcomes; ++c) o[c] = sum[c] / weight;
  }
  if (!register_states) return;
  for (auto& states : sums.registers)
    for (sim::MatrixC& rho : states) rho /= rho.trace().real();
  *register_states = std::move(sums.registers);
}

// Runs [first, end) of the flat order (sample b's run t is b * trajectories + t), added into
// `sums`.
template <typename T>
void TrajectorySimulator<T>::run_slice(const sim::ProductInput& input,
                                       std::span<const double> theta,
                                       std::span<const double> sample_angles,
                                       std::span<const int> qubits, uint64_t first_row,
                                       size_t first, size_t end, Sums& sums) {
  const size_t rows = end - first, width = own_params_ + cumulative_.size();
  const size_t outcomes = size_t{1} << qubits.size();
  const auto sample_of = [&](size_t i) { return (first + i) / trajectories_; };
  // Every run of a sample starts from the sample's registers.
  std::vector<std::vector<sim::cplx>> registers(input.qubits.size());
  sim::ProductInput repeated{.qubits = input.qubits, .amplitudes = {}};
  for (size_t m = 0; m < registers.size(); ++m) {
    const size_t dim = size_t{1} << input.qubits[m];
    registers[m].resize(rows * dim);
    for (size_t i = 0; i < rows; ++i)
      std::copy_n(input.amplitudes[m].begin() + static_cast<std::ptrdiff_t>(sample_of(i) * dim),
                  dim, registers[m].begin() + static_cast<std::ptrdiff_t>(i * dim));
    repeated.amplitudes.emplace_back(registers[m]);
  }
  std::vector<double> angles(rows * width);
  for (size_t i = 0; i < rows; ++i) {
    const size_t b = sample_of(i);
    draw(first_row + b, static_cast<uint32_t>((first + i) % trajectories_),
         sample_angles.empty() ? std::span<const double>()
                               : sample_angles.subspan(b * own_params_, own_params_),
         angles.data() + i * width);
  }
  if (!state_ || state_->batch() != rows)
    state_ = std::make_unique<sim::BatchState<T>>(sim_.make_state(rows));
  sim_.forward(repeated, theta, angles, *state_);
  std::vector<double> p(rows * outcomes);
  sim_.marginal(*state_, qubits, p);
  for (size_t i = 0; i < rows; ++i)
    for (size_t c = 0; c < outcomes; ++c)
      sums.marginal[sample_of(i) * outcomes + c] += p[i * outcomes + c];
  int low = 0;  // register m's first qubit
  for (size_t m = 0; m < sums.registers.size(); ++m) {
    std::vector<int> reg(static_cast<size_t>(input.qubits[m]));
    std::iota(reg.begin(), reg.end(), low);
    low += input.qubits[m];
    for (size_t i = 0; i < rows; ++i)
      sums.registers[m][sample_of(i)] += sim::reduced_density_matrix(*state_, i, reg);
  }
}

template class TrajectorySimulator<double>;
template class TrajectorySimulator<float>;

}  // namespace qmf::noise
