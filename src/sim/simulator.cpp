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
Matrices<T> Simulator<T>::block_matrices(size_t i, const BatchState<T>& s, size_t chunk,
                                         bool adjoint, std::vector<T>& m) const {
  const Block& b = program_->blocks()[i];
  if (!b.per_sample) return adjoint ? bound_[i].udag() : bound_[i].u();
  const size_t kk = size_t{1} << (2 * b.width()), lanes = s.lanes();
  const size_t sp = program_->circuit().sample_params();
  m.assign(2 * kk * lanes, T(0));
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
  return {m.data(), b.real ? nullptr : m.data() + kk * lanes, true};
}

template <typename T>
void Simulator<T>::check_state(const BatchState<T>& s, const char* who, bool same_batch) const {
  if (s.qubits() != program_->qubits())
    throw Error(fmt::format("{}: the state has {} qubits, the circuit {}", who, s.qubits(),
                            program_->qubits()));
  const int wide = kernel_ops<T>(isa_).width;
  if (s.lanes() != 1 && s.lanes() != wide)
    throw Error(
        fmt::format("{}: the state packs {} samples per chunk; this simulator ({}) packs 1 "
                    "or {} (make states with make_state)",
                    who, s.lanes(), isa_name(isa_), wide));
  if (same_batch && s.batch() != batch_)
    throw Error(fmt::format("{}: the state holds {} samples, the last forward ran {}", who,
                            s.batch(), batch_));
}

template <typename T>
void Simulator<T>::check_input(const ProductInput& in, size_t batch) const {
  const int n = program_->qubits();
  int total = 0;
  if (in.qubits.size() != in.amplitudes.size())
    throw Error(fmt::format("product input: {} register sizes but {} amplitude arrays",
                            in.qubits.size(), in.amplitudes.size()));
  for (size_t m = 0; m < in.qubits.size(); ++m) {
    if (in.qubits[m] < 1 || in.qubits[m] > n)
      throw Error(
          fmt::format("product input: register {} has {} qubits (1..{})", m + 1, in.qubits[m], n));
    total += in.qubits[m];
    const size_t want = batch << in.qubits[m];
    if (in.amplitudes[m].size() != want)
      throw Error(fmt::format("product input: register {} of {} qubits needs {} amplitudes, got {}",
                              m + 1, in.qubits[m], want, in.amplitudes[m].size()));
  }
  if (total != n)
    throw Error(
        fmt::format("product input: registers hold {} qubits, the circuit has {}", total, n));
}

template <typename T>
RegisterLanes<T> Simulator<T>::register_lanes(const ProductInput& in, const BatchState<T>& s,
                                              size_t chunk, std::vector<T>& buffer,
                                              bool zero) const {
  const size_t lanes = s.lanes(), regs = in.qubits.size();
  RegisterLanes<T> r;
  r.count = static_cast<int>(regs);
  size_t total = 0;
  for (int m = static_cast<int>(regs) - 1, shift = 0; m >= 0; shift += in.qubits[m], --m) {
    r.qubits[m] = in.qubits[m];
    r.shift[m] = shift;
  }
  for (size_t m = 0; m < regs; ++m) total += 2 * (size_t{1} << in.qubits[m]) * lanes;
  buffer.assign(total, T(0));
  T* next = buffer.data();
  for (size_t m = 0; m < regs; ++m) {
    r.data[m] = next;
    const size_t dim = size_t{1} << in.qubits[m];
    next += 2 * dim * lanes;
    if (zero) continue;
    for (size_t l = 0; l < lanes; ++l) {
      const size_t b = chunk * lanes + l;
      if (b >= s.batch()) break;  // padding lanes stay zero, and so does their product state
      for (size_t i = 0; i < dim; ++i) {
        const cplx v = in.amplitudes[m][b * dim + i];
        r.data[m][2 * i * lanes + l] = static_cast<T>(v.real());
        r.data[m][(2 * i + 1) * lanes + l] = static_cast<T>(v.imag());
      }
    }
  }
  return r;
}

template <typename T>
void Simulator<T>::forward(const ProductInput& input, std::span<const double> theta,
                           std::span<const double> sample_angles, BatchState<T>& s) {
  const Circuit& c = program_->circuit();
  check_state(s, "forward", false);
  if (theta.size() != c.shared_params())
    throw Error(fmt::format("forward: {} parameters given, the circuit has {}", theta.size(),
                            c.shared_params()));
  if (sample_angles.size() != s.batch() * c.sample_params())
    throw Error(fmt::format("forward: {} per-sample angles given, expected {} x {}",
                            sample_angles.size(), s.batch(), c.sample_params()));
  check_input(input, s.batch());
  if (input.qubits.size() > static_cast<size_t>(kMaxRegisters))
    throw Error(fmt::format("product input: {} registers, at most {} are supported",
                            input.qubits.size(), kMaxRegisters));
  theta_.assign(theta.begin(), theta.end());
  sample_.assign(sample_angles.begin(), sample_angles.end());
  batch_ = s.batch();
  bind(theta);

  const auto& blocks = program_->blocks();
  const size_t amps = size_t{1} << s.qubits();
  const Traversal walk = traversal(s);
  walk.each_chunk(s.chunks(), [&](size_t ch) {
    std::vector<T> buffer;
    const RegisterLanes<T> regs = register_lanes(input, s, ch, buffer);
    walk.each_segment(
        amps, [&](size_t, size_t a0, size_t a1) { ops(s).product(regs, s.chunk(ch), a0, a1); });
    std::vector<T> lanes;
    for (size_t i = 0; i < blocks.size(); ++i) {
      const Matrices<T> u = block_matrices(i, s, ch, false, lanes);
      walk.each_segment(blocks[i].geometry.groups(s.qubits()), [&](size_t, size_t g0, size_t g1) {
        ops(s).apply(blocks[i].geometry, u, s.chunk(ch), g0, g1);
      });
    }
  });
}

template <typename T>
void Simulator<T>::marginal(const BatchState<T>& s, std::span<const int> qubits,
                            std::span<double> out) const {
  check_state(s, "marginal", false);
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
  const size_t segs = Traversal::segments(amps);
  // One partial sum per (chunk, segment), added in that order below, whichever walk fills them.
  std::vector<T> partial(s.chunks() * segs * outcomes * lanes, T(0));
  const Traversal walk = traversal(s);
  walk.each_chunk(s.chunks(), [&](size_t ch) {
    walk.each_segment(amps, [&](size_t j, size_t a0, size_t a1) {
      ops(s).marginal(s.chunk(ch), bits.data(), q, a0, a1,
                      partial.data() + (ch * segs + j) * outcomes * lanes);
    });
  });
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
