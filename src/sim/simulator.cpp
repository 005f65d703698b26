#include "sim/simulator.h"

#include <algorithm>

#include "core/error.h"

namespace qmf::sim {
namespace {

template <typename T>
void split(const MatrixC& m, std::vector<T>& re, std::vector<T>& im, bool real) {
  const auto k = m.rows();
  re.resize(static_cast<size_t>(k * k));
  im.assign(real ? 0 : static_cast<size_t>(k * k), T(0));
  for (Eigen::Index r = 0; r < k; ++r)
    for (Eigen::Index c = 0; c < k; ++c) {
      re[r * k + c] = static_cast<T>(m(r, c).real());
      if (!real) im[r * k + c] = static_cast<T>(m(r, c).imag());
    }
}

}  // namespace

template <typename T>
Simulator<T>::Simulator(std::shared_ptr<const Program> program, SimOptions options)
    : program_(std::move(program)), isa_(options.isa), par_(options.threads) {}

template <typename T>
BatchState<T> Simulator<T>::make_state(size_t batch) const {
  const int wide = kernel_ops<T>(isa_).width;
  // Fewer samples than a pack: one sample per chunk rather than mostly empty packs.
  return BatchState<T>(program_->qubits(), batch, batch >= static_cast<size_t>(wide) ? wide : 1);
}

template <typename T>
const KernelOps<T>& Simulator<T>::ops(const BatchState<T>& s) const {
  return s.lanes() == 1 ? scalar_ops<T>() : kernel_ops<T>(isa_);
}

template <typename T>
bool Simulator<T>::splits_amplitudes(const BatchState<T>& s) const {
  return s.chunks() < static_cast<size_t>(par_.threads()) && s.qubits() >= 14;
}

template <typename T>
void Simulator<T>::bind(std::span<const double> theta) {
  const auto& blocks = program_->blocks();
  bound_.resize(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].per_sample) continue;
    const MatrixC u = program_->block_matrix(blocks[i], theta.data(), nullptr);
    split(u, bound_[i].u_re, bound_[i].u_im, blocks[i].real);
    split(MatrixC(u.adjoint()), bound_[i].udag_re, bound_[i].udag_im, blocks[i].real);
  }
}

template <typename T>
std::vector<T> Simulator<T>::lane_matrices(const Block& b, const BatchState<T>& s, size_t chunk,
                                           bool adjoint) const {
  const size_t kk = size_t{1} << (2 * b.width()), lanes = s.lanes();
  const size_t sp = program_->circuit().sample_params();
  std::vector<T> m(2 * kk * lanes, T(0));
  std::vector<double> zero(sp, 0.0);
  for (size_t l = 0; l < lanes; ++l) {
    const size_t sample = chunk * lanes + l;
    // Padding lanes hold zero states; any unitary keeps them zero.
    const double* angles = sample < s.batch() ? sample_.data() + sample * sp : zero.data();
    MatrixC u = program_->block_matrix(b, theta_.data(), angles);
    if (adjoint) u.adjointInPlace();
    for (size_t e = 0; e < kk; ++e) {
      const cplx v = u(static_cast<Eigen::Index>(e / (size_t{1} << b.width())),
                       static_cast<Eigen::Index>(e % (size_t{1} << b.width())));
      m[e * lanes + l] = static_cast<T>(v.real());
      m[(kk + e) * lanes + l] = static_cast<T>(v.imag());
    }
  }
  return m;
}

template <typename T>
void Simulator<T>::check_input(const ProductInput& in, size_t batch) const {
  const int n = program_->qubits();
  int total = 0;
  if (in.qubits.size() != in.amplitudes.size())
    throw Error(fmt::format("product input: {} register sizes but {} amplitude arrays",
                            in.qubits.size(), in.amplitudes.size()));
  for (size_t m = 0; m < in.qubits.size(); ++m) {
    total += in.qubits[m];
    const size_t want = batch << in.qubits[m];
    if (in.qubits[m] < 1 || in.amplitudes[m].size() != want)
      throw Error(fmt::format("product input: register {} of {} qubits needs {} amplitudes, got {}",
                              m + 1, in.qubits[m], want, in.amplitudes[m].size()));
  }
  if (total != n)
    throw Error(fmt::format("product input: registers hold {} qubits, the circuit has {}", total, n));
}

template <typename T>
void Simulator<T>::prepare(const ProductInput& in, const BatchState<T>& s, size_t chunk,
                           size_t a0, size_t a1) const {
  const ChunkView<T> v = s.chunk(chunk);
  const size_t regs = in.qubits.size();
  for (int l = 0; l < s.lanes(); ++l) {
    const size_t b = chunk * s.lanes() + l;
    if (b >= s.batch()) break;  // padding lanes stay zero
    for (size_t a = a0; a < a1; ++a) {
      cplx amp = 1.0;
      int shift = s.qubits();
      for (size_t m = 0; m < regs; ++m) {
        shift -= in.qubits[m];
        const size_t i = (a >> shift) & ((size_t{1} << in.qubits[m]) - 1);
        amp *= in.amplitudes[m][(b << in.qubits[m]) + i];
      }
      v.re(a)[l] = static_cast<T>(amp.real());
      v.im(a)[l] = static_cast<T>(amp.imag());
    }
  }
}

template <typename T>
void Simulator<T>::apply_block(size_t i, const BatchState<T>& s, size_t chunk,
                               const std::vector<T>& lanes, size_t g0, size_t g1) const {
  const Block& b = program_->blocks()[i];
  Matrices<T> u = bound_[i].u();
  if (b.per_sample) {
    const size_t half = lanes.size() / 2;
    u = {lanes.data(), b.real ? nullptr : lanes.data() + half, true};
  }
  ops(s).apply(b.geometry, u, s.chunk(chunk), g0, g1);
}

template <typename T>
void Simulator<T>::forward(const ProductInput& input, std::span<const double> theta,
                           std::span<const double> sample_angles, BatchState<T>& s) {
  const Circuit& c = program_->circuit();
  if (s.qubits() != c.qubits()) throw Error("forward: state and circuit sizes differ");
  if (theta.size() != c.shared_params())
    throw Error(fmt::format("forward: {} parameters given, the circuit has {}", theta.size(),
                            c.shared_params()));
  if (sample_angles.size() != s.batch() * c.sample_params())
    throw Error(fmt::format("forward: {} per-sample angles given, expected {} x {}",
                            sample_angles.size(), s.batch(), c.sample_params()));
  check_input(input, s.batch());
  theta_.assign(theta.begin(), theta.end());
  sample_.assign(sample_angles.begin(), sample_angles.end());
  bind(theta);

  const auto& blocks = program_->blocks();
  const size_t amps = size_t{1} << s.qubits();
  if (!splits_amplitudes(s)) {
    par_(s.chunks(), [&](size_t ch) {
      prepare(input, s, ch, 0, amps);
      for (size_t i = 0; i < blocks.size(); ++i) {
        const auto lanes = blocks[i].per_sample ? lane_matrices(blocks[i], s, ch, false)
                                                : std::vector<T>{};
        apply_block(i, s, ch, lanes, 0, blocks[i].geometry.groups(s.qubits()));
      }
    });
    return;
  }
  for (size_t ch = 0; ch < s.chunks(); ++ch) {
    const size_t seg = segment_groups(amps);
    par_(amps / seg, [&](size_t j) { prepare(input, s, ch, j * seg, (j + 1) * seg); });
    for (size_t i = 0; i < blocks.size(); ++i) {
      const auto lanes = blocks[i].per_sample ? lane_matrices(blocks[i], s, ch, false)
                                              : std::vector<T>{};
      const size_t groups = blocks[i].geometry.groups(s.qubits());
      const size_t gs = segment_groups(groups);
      par_(groups / gs, [&](size_t j) { apply_block(i, s, ch, lanes, j * gs, (j + 1) * gs); });
    }
  }
}

template <typename T>
void Simulator<T>::marginal(const BatchState<T>& s, std::span<const int> qubits,
                            std::span<double> out) const {
  const int n = s.qubits(), q = static_cast<int>(qubits.size());
  const size_t outcomes = size_t{1} << q, lanes = s.lanes(), amps = size_t{1} << n;
  if (out.size() != s.batch() * outcomes)
    throw Error(fmt::format("marginal: output holds {} values, expected {}", out.size(),
                            s.batch() * outcomes));
  std::vector<int> bits(qubits.size());
  for (size_t j = 0; j < qubits.size(); ++j) {
    if (qubits[j] < 0 || qubits[j] >= n)
      throw Error(fmt::format("marginal: qubit {} out of range 0..{}", qubits[j], n - 1));
    bits[j] = n - 1 - qubits[j];
  }
  const size_t seg = segment_groups(amps), segs = amps / seg;
  // partial[(chunk * segs + j) * outcomes * lanes ...]: one buffer per (chunk, segment).
  std::vector<T> partial(s.chunks() * segs * outcomes * lanes, T(0));
  const auto run = [&](size_t ch, size_t j) {
    ops(s).marginal(s.chunk(ch), bits.data(), q, j * seg, (j + 1) * seg,
                    partial.data() + (ch * segs + j) * outcomes * lanes);
  };
  if (splits_amplitudes(s)) {
    for (size_t ch = 0; ch < s.chunks(); ++ch) par_(segs, [&](size_t j) { run(ch, j); });
  } else {
    par_(s.chunks(), [&](size_t ch) {
      for (size_t j = 0; j < segs; ++j) run(ch, j);
    });
  }
  std::fill(out.begin(), out.end(), 0.0);
  for (size_t ch = 0; ch < s.chunks(); ++ch)
    for (size_t j = 0; j < segs; ++j)
      for (size_t c = 0; c < outcomes; ++c)
        for (size_t l = 0; l < lanes; ++l) {
          const size_t b = ch * lanes + l;
          if (b < s.batch())
            out[b * outcomes + c] +=
                static_cast<double>(partial[((ch * segs + j) * outcomes + c) * lanes + l]);
        }
}

template class Simulator<float>;
template class Simulator<double>;

}  // namespace qmf::sim
