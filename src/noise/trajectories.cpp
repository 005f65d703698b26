#include "noise/trajectories.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "sim/measure.h"

namespace qmf::noise {
namespace {

// The states of one slice of runs take at most this much memory; larger batches run in turn.
constexpr size_t kSliceBytes = size_t{1} << 30;

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
                                            sim::SimOptions options)
    : trajectories_(trajectories),
      seed_(mix_seed(seed, kTrajectoryStream)),
      own_params_(circuit.sample_params()),
      program_(std::make_shared<const sim::Program>(unravelled(circuit, noise, cumulative_))),
      sim_(program_, options) {
  QMF_CHECK(trajectories > 0, "trajectories must be positive");
}

template <typename T>
void TrajectorySimulator<T>::draw(uint64_t row, std::span<const double> own,
                                  std::span<double> rows) const {
  StreamRng rng(mix_seed(seed_, row));
  const size_t width = own_params_ + cumulative_.size();
  for (uint32_t t = 0; t < trajectories_; ++t) {
    double* r = rows.data() + t * width;
    std::copy(own.begin(), own.end(), r);
    for (size_t j = 0; j < cumulative_.size(); ++j) {
      const std::vector<double>& sums = cumulative_[j];
      const double u = rng.uniform() * sums.back();
      const auto pick = std::upper_bound(sums.begin(), sums.end() - 1, u) - sums.begin();
      r[own_params_ + j] = static_cast<double>(pick);
    }
  }
}

template <typename T>
void TrajectorySimulator<T>::run(const sim::ProductInput& input, std::span<const double> theta,
                                 std::span<const double> sample_angles, std::span<const int> qubits,
                                 uint64_t first_row, std::span<double> out,
                                 std::vector<std::vector<sim::MatrixC>>* register_states) {
  const size_t outcomes = size_t{1} << qubits.size(), batch = out.size() / outcomes;
  const size_t state_bytes = 2 * sizeof(T) << program_->qubits();
  const size_t per_slice =
      std::max<size_t>(1, kSliceBytes / (state_bytes * trajectories_));  // samples
  if (register_states)
    register_states->assign(input.qubits.size(), std::vector<sim::MatrixC>(batch));
  for (size_t b = 0; b < batch; b += per_slice)
    run_slice(input, theta, sample_angles, qubits, first_row, b, std::min(batch, b + per_slice),
              out, register_states);
}

template <typename T>
void TrajectorySimulator<T>::run_slice(const sim::ProductInput& input,
                                       std::span<const double> theta,
                                       std::span<const double> sample_angles,
                                       std::span<const int> qubits, uint64_t first_row,
                                       size_t begin, size_t end, std::span<double> out,
                                       std::vector<std::vector<sim::MatrixC>>* register_states) {
  const size_t runs = trajectories_, rows = (end - begin) * runs;
  const size_t width = own_params_ + cumulative_.size(), outcomes = size_t{1} << qubits.size();
  // Every run of a sample starts from the sample's registers.
  std::vector<std::vector<sim::cplx>> registers(input.qubits.size());
  sim::ProductInput repeated{.qubits = input.qubits, .amplitudes = {}};
  for (size_t m = 0; m < registers.size(); ++m) {
    const size_t dim = size_t{1} << input.qubits[m];
    registers[m].resize(rows * dim);
    for (size_t b = begin; b < end; ++b)
      for (size_t t = 0; t < runs; ++t)
        std::copy_n(
            input.amplitudes[m].begin() + static_cast<std::ptrdiff_t>(b * dim), dim,
            registers[m].begin() + static_cast<std::ptrdiff_t>(((b - begin) * runs + t) * dim));
    repeated.amplitudes.emplace_back(registers[m]);
  }
  std::vector<double> angles(rows * width);
  for (size_t b = begin; b < end; ++b)
    draw(first_row + b,
         sample_angles.empty() ? std::span<const double>()
                               : sample_angles.subspan(b * own_params_, own_params_),
         std::span<double>(angles).subspan((b - begin) * runs * width, runs * width));
  if (!state_ || state_->batch() != rows)
    state_ = std::make_unique<sim::BatchState<T>>(sim_.make_state(rows));
  sim_.forward(repeated, theta, angles, *state_);
  std::vector<double> p(rows * outcomes);
  sim_.marginal(*state_, qubits, p);
  // Each run weighs by its norm (1 but for amplitude damping's operators): the average of the
  // runs' unnormalised marginals, over the average of their norms.
  for (size_t b = begin; b < end; ++b) {
    double* o = out.data() + b * outcomes;
    std::fill_n(o, outcomes, 0.0);
    double weight = 0;
    for (size_t t = 0; t < runs; ++t)
      for (size_t c = 0; c < outcomes; ++c) {
        const double v = p[((b - begin) * runs + t) * outcomes + c];
        o[c] += v;
        weight += v;
      }
    QMF_CHECK(weight > 0, "every run of sample {} has norm 0", first_row + b);
    for (size_t c = 0; c < outcomes; ++c) o[c] /= weight;
  }
  if (!register_states) return;
  int first = 0;
  for (size_t m = 0; m < input.qubits.size(); ++m) {
    std::vector<int> reg(static_cast<size_t>(input.qubits[m]));
    std::iota(reg.begin(), reg.end(), first);
    first += input.qubits[m];
    for (size_t b = begin; b < end; ++b) {
      sim::MatrixC sum = sim::reduced_density_matrix(*state_, (b - begin) * runs, reg);
      for (size_t t = 1; t < runs; ++t)
        sum += sim::reduced_density_matrix(*state_, (b - begin) * runs + t, reg);
      (*register_states)[m][b] = sum / sum.trace().real();
    }
  }
}

template class TrajectorySimulator<double>;
template class TrajectorySimulator<float>;

}  // namespace qmf::noise
