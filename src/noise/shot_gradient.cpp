#include "noise/shot_gradient.h"

#include <bit>
#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "grad/param_shift.h"
#include "noise/readout_error.h"
#include "noise/shots.h"
#include "sim/real_state_tree.h"

namespace qmf::noise {
size_t shot_gradient_circuits(const sim::Circuit& circuit, std::span<const int> prepared_qubits) {
  size_t n = 0;
  for (const sim::Gate& g : circuit.gates()) {
    const sim::GateInfo& gi = sim::info(g.kind);
    if (g.kind != sim::GateKind::Unitary1 && g.kind != sim::GateKind::Unitary2)
      n += static_cast<size_t>(gi.params) * (gi.shift == sim::GateInfo::Shift::FourTerm ? 4 : 2);
  }
  for (int k : prepared_qubits) n += 2 * ((size_t{1} << k) - 1);
  return n;
}

// One run()'s inputs, with the angles laid out for the circuit whose slots are all distinct.
template <typename T>
struct ShotGradient<T>::Batch {
  const sim::ProductInput& input;
  std::span<const double> dmarginal;
  uint64_t first_stream;
  size_t size;
  std::vector<double> theta;   // one per shared slot
  std::vector<double> sample;  // size rows of one per per-sample slot
};

template <typename T>
ShotGradient<T>::ShotGradient(const sim::Circuit& circuit, const NoiseModel& noise,
                              std::vector<int> readout, uint64_t shots, uint64_t seed, int threads)
    : original_sample_params_(circuit.sample_params()),
      readout_(std::move(readout)),
      readout_error_(noise.readout),
      shots_(shots),
      seed_(seed),
      threads_(threads),
      program_([&] {
        sim::Circuit slots(circuit.qubits());
        for (const sim::Gate& g : circuit.gates()) {
          QMF_CHECK(g.unitary && g.choices == 0, "shot gradients of a gate that is not unitary");
          if (g.kind == sim::GateKind::Unitary1 || g.kind == sim::GateKind::Unitary2) {
            slots.add_unitary(circuit.fixed_matrices()[g.fixed], g.qubits);
            continue;
          }
          const sim::GateInfo& gi = sim::info(g.kind);
          auto angles = g.angles;
          for (int p = 0; p < gi.params; ++p) {
            const bool shared = g.angles[p].source == sim::Angle::Source::Shared;
            std::vector<Slot>& list = shared ? shared_ : sample_;
            const auto index = static_cast<uint32_t>(list.size());
            angles[p] = shared ? sim::Angle::shared(index) : sim::Angle::sample(index);
            list.push_back({g.angles[p], gi.shift == sim::GateInfo::Shift::FourTerm});
          }
          slots.add(g.kind, g.qubits, angles);
        }
        return std::make_shared<const sim::Program>(std::move(slots));
      }()),
      sim_(program_, {threads}) {
  if (needs_density_matrix(noise))
    density_ =
        std::make_unique<DensitySimulator<T>>(program_->circuit(), noise, sim::SimOptions{threads});
}

template <typename T>
ShotGradient<T>::~ShotGradient() = default;

template <typename T>
void ShotGradient<T>::run(const sim::ProductInput& input, size_t prepared,
                          std::span<const double> theta, std::span<const double> sample_angles,
                          std::span<const double> dmarginal, uint64_t first_stream,
                          grad::Gradients& out) {
  const size_t outcomes = size_t{1} << readout_.size();
  const size_t sp = sample_.size();
  Batch b{.input = input,
          .dmarginal = dmarginal,
          .first_stream = first_stream,
          .size = dmarginal.size() / outcomes,
          .theta = {},
          .sample = {}};
  QMF_CHECK(prepared <= input.qubits.size(), "{} prepared registers of {}", prepared,
            input.qubits.size());
  for (const Slot& s : shared_) b.theta.push_back(theta[s.original.index]);
  QMF_CHECK(sample_angles.size() == b.size * original_sample_params_,
            "{} per-sample angles for {} samples of {}", sample_angles.size(), b.size,
            original_sample_params_);
  b.sample.resize(b.size * sp);
  for (size_t r = 0; r < b.size; ++r)
    for (size_t j = 0; j < sp; ++j)
      b.sample[r * sp + j] = sample_angles[r * original_sample_params_ + sample_[j].original.index];
  out.theta.assign(theta.size(), 0.0);
  out.sample.assign(sample_angles.size(), 0.0);
  out.registers.assign(input.qubits.size(), {});
  estimates_ = 0;
  shift_slots(b, out);
  for (size_t m = 0; m < prepared; ++m) shift_register(b, m, out);
}

template <typename T>
std::vector<double> ShotGradient<T>::estimate(const Batch& b, const sim::ProductInput& input,
                                              std::span<const double> theta,
                                              std::span<const double> sample) {
  const size_t outcomes = size_t{1} << readout_.size();
  marginal_.resize(b.size * outcomes);
  if (density_) {
    density_->forward(input, theta, sample);
    density_->marginal(readout_, marginal_);
  } else {
    if (!state_ || state_->batch() != b.size)
      state_ = std::make_unique<sim::BatchState<T>>(sim_.make_state(b.size));
    sim_.forward(input, theta, sample, *state_);
    sim_.marginal(*state_, readout_, marginal_);
  }
  apply_readout_error(readout_error_, marginal_, outcomes);
  ++estimates_;
  if (shots_ > 0)
    sample_shots(marginal_, outcomes, shots_, mix_seed(seed_, estimates_), b.first_stream,
                 threads_);
  std::vector<double> loss(b.size, 0.0);
  for (size_t r = 0; r < b.size; ++r)
    for (size_t c = 0; c < outcomes; ++c)
      loss[r] += b.dmarginal[r * outcomes + c] * marginal_[r * outcomes + c];
  return loss;
}

template <typename T>
void ShotGradient<T>::shift_slots(const Batch& b, grad::Gradients& out) {
  std::vector<double> theta = b.theta, sample = b.sample;
  for (size_t o = 0; o < shared_.size(); ++o) {
    const auto d = grad::shift_rule(shared_[o].four_term, [&](double s) {
      theta[o] = b.theta[o] + s;
      auto loss = estimate(b, b.input, theta, sample);
      theta[o] = b.theta[o];
      return loss;
    });
    for (double v : d) out.theta[shared_[o].original.index] += v;
  }
  const size_t sp = sample_.size();
  for (size_t o = 0; o < sp; ++o) {
    const auto d = grad::shift_rule(sample_[o].four_term, [&](double s) {
      for (size_t r = 0; r < b.size; ++r) sample[r * sp + o] = b.sample[r * sp + o] + s;
      auto loss = estimate(b, b.input, theta, sample);
      for (size_t r = 0; r < b.size; ++r) sample[r * sp + o] = b.sample[r * sp + o];
      return loss;
    });
    for (size_t r = 0; r < b.size; ++r)
      out.sample[r * original_sample_params_ + sample_[o].original.index] += d[r];
  }
}

template <typename T>
void ShotGradient<T>::shift_register(const Batch& b, size_t m, grad::Gradients& out) {
  const int k = b.input.qubits[m];
  const size_t dim = size_t{1} << k;
  const std::span<const sim::cplx> amplitudes = b.input.amplitudes[m];
  // Each sample's amplitudes (real: only amplitude and belief encodings are prepared) and tree.
  std::vector<double> real(b.size * dim);
  for (size_t i = 0; i < real.size(); ++i) real[i] = amplitudes[i].real();
  std::vector<sim::TreeAngles> trees(b.size), dtrees(b.size);
  for (size_t r = 0; r < b.size; ++r) {
    trees[r] = sim::tree_angles(std::span(real).subspan(r * dim, dim), k);
    dtrees[r] = trees[r];
    for (auto& level : dtrees[r]) std::fill(level.begin(), level.end(), 0.0);
  }
  std::vector<sim::cplx> shifted(b.size * dim);
  sim::ProductInput input = b.input;
  input.amplitudes[m] = shifted;
  std::vector<double> row(dim);
  for (int j = 0; j < k; ++j) {
    const size_t width = size_t{1} << j;
    for (size_t g = 0; g < width; ++g) {
      const auto sign = [g](size_t p) { return std::popcount(p & g) % 2 ? -1.0 : 1.0; };
      const auto d = grad::shift_rule(false, [&](double s) {
        for (size_t r = 0; r < b.size; ++r) {
          sim::TreeAngles moved = trees[r];
          for (size_t p = 0; p < width; ++p) moved[j][p] += s * sign(p);
          sim::tree_state(moved, row);
          for (size_t i = 0; i < dim; ++i) shifted[r * dim + i] = row[i];
        }
        return estimate(b, input, b.theta, b.sample);
      });
      // dL/dtheta_p += 2^-j (-1)^popcount(p & g) dL/dbeta_g
      for (size_t r = 0; r < b.size; ++r)
        for (size_t p = 0; p < width; ++p)
          dtrees[r][j][p] += sign(p) * d[r] / static_cast<double>(width);
    }
  }
  out.registers[m].assign(b.size * dim, 0.0);
  std::vector<double> da(dim);
  for (size_t r = 0; r < b.size; ++r) {
    std::fill(da.begin(), da.end(), 0.0);
    sim::tree_angles_backward(std::span(real).subspan(r * dim, dim), k, dtrees[r], da);
    for (size_t i = 0; i < dim; ++i) out.registers[m][r * dim + i] = da[i];
  }
}

template class ShotGradient<double>;
template class ShotGradient<float>;

}  // namespace qmf::noise
