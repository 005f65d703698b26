#include "noise/density.h"

#include <Eigen/LU>
#include <Eigen/SVD>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "grad/block_gradient.h"
#include "noise/channel.h"

namespace qmf::noise {
namespace {

using sim::cplx;
using sim::GateMatrix;

// Below this smallest singular value a channel's inverse would amplify rounding more than a
// gradient can bear.
constexpr double kInvertible = 1e-3;

double smallest_singular_value(const sim::MatrixC& m) {
  return Eigen::JacobiSVD<sim::MatrixC>(m).singularValues().minCoeff();
}

}  // namespace

bool needs_density_matrix(const NoiseModel& m) {
  for (const auto* list : {&m.after_one_qubit, &m.after_two_qubit, &m.after_three_qubit})
    for (const Channel& c : *list)
      if (c.p > 0) return true;
  return false;
}

sim::MatrixC partial_trace(const sim::MatrixC& rho, int n, int first, int k) {
  const size_t dim = size_t{1} << k, rest = size_t{1} << (n - k);
  const int low = n - first - k;                // bits below the register
  const auto index = [&](size_t r, size_t i) {  // r: the other bits, i: the register's
    const size_t below = r & ((size_t{1} << low) - 1), above = r >> low;
    return static_cast<Eigen::Index>((((above << k) | i) << low) | below);
  };
  sim::MatrixC out =
      sim::MatrixC::Zero(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
  for (size_t i = 0; i < dim; ++i)
    for (size_t j = 0; j < dim; ++j)
      for (size_t r = 0; r < rest; ++r)
        out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) +=
            rho(index(r, i), index(r, j));
  return out;
}

template <typename T>
struct DensitySimulator<T>::Step {
  const sim::Program* program = nullptr;  // null: a two-qubit depolarizing channel
  size_t block = 0;
  // The pair channel's weight q of P, and where its four bits lie.
  double q = 0;
  sim::PairMap map;
  sim::PairMap with(double a, double b) const {
    sim::PairMap m = map;
    m.a = a, m.b = b;
    return m;
  }
  const sim::Block& the_block() const { return program->blocks()[block]; }
};

template <typename T>
struct DensitySimulator<T>::Bound {
  std::vector<T> u_re, u_im, udag_re, udag_im, inv_re, inv_im;
  static sim::Matrices<T> of(const std::vector<T>& re, const std::vector<T>& im) {
    return {re.data(), im.empty() ? nullptr : im.data(), false};
  }
};

template <typename T>
DensitySimulator<T>::DensitySimulator(const sim::Circuit& circuit, const NoiseModel& noise,
                                      sim::SimOptions options)
    : n_(circuit.qubits()),
      sample_params_(circuit.sample_params()),
      isa_(options.isa),
      par_(options.threads) {
  if (n_ > kMaxDensityQubits)
    throw UsageError(fmt::format(
        "noise: a {}-qubit circuit's density matrix is a {}-qubit vector per sample; exact noisy "
        "simulation goes up to {} qubits; past them, set sim.trajectories = N to evaluate from N "
        "sampled trajectories per sample",
        n_, 2 * n_, kMaxDensityQubits));
  build(circuit, noise);
}

template <typename T>
DensitySimulator<T>::~DensitySimulator() = default;

// The doubled circuit, cut into programs at each two-qubit depolarizing channel.
template <typename T>
void DensitySimulator<T>::build(const sim::Circuit& circuit, const NoiseModel& noise) {
  const int n = n_, dn = 2 * n_;
  sim::Circuit part(dn);
  std::vector<Step> pairs;  // the pair channel closing each program, if any
  const auto close = [&](const Step* pair) {
    auto program = std::make_unique<const sim::Program>(std::move(part), 2);
    for (size_t i = 0; i < program->blocks().size(); ++i)
      steps_.push_back(Step{.program = program.get(), .block = i});
    programs_.push_back(std::move(program));
    if (pair) steps_.push_back(*pair);
    part = sim::Circuit(dn);
  };
  for (const sim::Gate& g : circuit.gates()) {
    const int k = sim::info(g.kind).qubits;
    std::array<int, 3> cols = g.qubits;
    for (int j = 0; j < k; ++j) cols[j] += n;
    if (g.kind == sim::GateKind::Unitary1 || g.kind == sim::GateKind::Unitary2) {
      const sim::MatrixC u = circuit.fixed_matrices()[g.fixed];
      part.add_unitary(u, g.qubits);
      part.add_unitary(u.conjugate(), cols);
    } else {
      part.add(g.kind, g.qubits, g.angles, g.conjugated);
      part.add(g.kind, cols, g.angles, !g.conjugated);
    }
    for (const Channel& ch : channels_after(noise, k)) {
      if (ch.p == 0) continue;
      if (channel_qubits(ch.kind) == 1) {
        const sim::MatrixC s = superoperator(ch);
        for (int j = 0; j < k; ++j) part.add_linear_map(s, {g.qubits[j], g.qubits[j] + n, 0});
        const double sigma = smallest_singular_value(s);
        if (sigma < kInvertible && irreversible_.empty())
          irreversible_ = fmt::format("{} with p = {}", channel_name(ch.kind), ch.p);
        log10_amplification_ -= k * std::log10(sigma);
        continue;
      }
      QMF_CHECK(k == 2, "a two-qubit channel after a {}-qubit gate", k);
      Step pair{.q = 16 * ch.p / 15};
      const int a = g.qubits[0], b = g.qubits[1];
      const int local[4] = {a, b, a + n, b + n};  // big-endian: row a, row b, col a, col b
      for (int j = 0; j < 4; ++j) pair.map.bits[j] = dn - 1 - local[j];
      std::sort(pair.map.bits, pair.map.bits + 4);
      for (int e = 0; e < 16; ++e)
        for (int j = 0; j < 4; ++j)
          if ((e >> (3 - j)) & 1) pair.map.offsets[e] |= uint64_t{1} << (dn - 1 - local[j]);
      if (1 - pair.q < kInvertible && irreversible_.empty())
        irreversible_ = fmt::format("{} with p = {}", channel_name(ch.kind), ch.p);
      log10_amplification_ -= std::log10(1 - pair.q);
      close(&pair);
    }
  }
  close(nullptr);
  bound_.resize(steps_.size());
}

// Before allocating: the forward's density matrices and, for a gradient, their adjoint twins,
// with the settings that size them named.
template <typename T>
void DensitySimulator<T>::check_memory(size_t batch) const {
  const auto bytes = static_cast<long double>(batch) * 2 * sizeof(T) * std::pow(4.0L, n_);
  const std::string what = fmt::format(
      "noise.*: the density matrices of a {}-qubit circuit for a batch of {} (train.batch; "
      "twice that to train)",
      n_, batch);
  sim::check_fits_in_memory(static_cast<size_t>(std::min<long double>(bytes, SIZE_MAX / 2)),
                            what.c_str());
}

template <typename T>
size_t DensitySimulator<T>::batch() const {
  return rho_ ? rho_->batch() : 0;
}

template <typename T>
const sim::KernelOps<T>& DensitySimulator<T>::ops() const {
  return rho_->lanes() == 1 ? sim::scalar_ops<T>() : sim::kernel_ops<T>(isa_);
}

template <typename T>
sim::Traversal DensitySimulator<T>::traversal() const {
  return {par_, rho_->chunks(), rho_->qubits()};
}

template <typename T>
void DensitySimulator<T>::bind(std::span<const double> theta) {
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& s = steps_[i];
    if (!s.program || s.the_block().per_sample) continue;
    const sim::Block& b = s.the_block();
    const GateMatrix u = s.program->block_matrix(b, theta.data(), nullptr);
    Bound& out = bound_[i];
    sim::split_matrix(u, out.u_re, out.u_im, b.real);
    sim::split_matrix(GateMatrix(u.adjoint()), out.udag_re, out.udag_im, b.real);
    if (!b.unitary) sim::split_matrix(GateMatrix(u.inverse()), out.inv_re, out.inv_im, b.real);
  }
}

// One matrix per lane (sample-lane layout): element e of lane l at [e * lanes + l].
template <typename T>
sim::Matrices<T> DensitySimulator<T>::per_sample_matrices(const Step& s, size_t chunk, bool adjoint,
                                                          std::vector<T>& m) const {
  const sim::Block& b = s.the_block();
  const size_t dim = size_t{1} << b.width(), kk = dim * dim, lanes = rho_->lanes();
  m.assign(2 * kk * lanes, T(0));
  const std::vector<double> zero(sample_params_, 0.0);
  for (size_t l = 0; l < lanes; ++l) {
    const size_t sample = chunk * lanes + l;
    const double* angles =
        sample < rho_->batch() ? sample_.data() + sample * sample_params_ : zero.data();
    GateMatrix u = s.program->block_matrix(b, theta_.data(), angles);
    if (adjoint) u.adjointInPlace();
    for (size_t e = 0; e < kk; ++e) {
      const cplx v = u(static_cast<Eigen::Index>(e / dim), static_cast<Eigen::Index>(e % dim));
      m[e * lanes + l] = static_cast<T>(v.real());
      m[(kk + e) * lanes + l] = static_cast<T>(v.imag());
    }
  }
  return {m.data(), b.real ? nullptr : m.data() + kk * lanes, true};
}

template <typename T>
void DensitySimulator<T>::apply_step(size_t i, size_t chunk, const sim::Traversal& walk) const {
  const Step& s = steps_[i];
  const sim::ChunkView<T> v = rho_->chunk(chunk);
  if (!s.program) {
    const sim::PairMap m = s.with(1 - s.q, s.q);
    walk.each_segment(v.amplitudes() >> 4,
                      [&](size_t, size_t g0, size_t g1) { ops().pair_map(m, v, g0, g1); });
    return;
  }
  const sim::Block& b = s.the_block();
  std::vector<T> lanes;
  const sim::Matrices<T> u = b.per_sample ? per_sample_matrices(s, chunk, false, lanes)
                                          : Bound::of(bound_[i].u_re, bound_[i].u_im);
  walk.each_segment(b.geometry.groups(v.qubits), [&](size_t, size_t g0, size_t g1) {
    ops().apply(b.geometry, u, v, v, g0, g1);
  });
}

// The amplitude bits of a tile: as many as sim::kTileBytes of a chunk hold.
template <typename T>
int DensitySimulator<T>::tile_bits() const {
  const size_t row_bytes = 2 * rho_->lanes() * sizeof(T);
  int bits = 0;
  while ((row_bytes << (bits + 1)) <= sim::kTileBytes) ++bits;
  return std::min(bits, 2 * n_);
}

// The end of the run of steps from `first` that stay inside a tile: shared matrices, every bit
// below tile_bits(). Such a run reads the state from memory once rather than once a step.
template <typename T>
size_t DensitySimulator<T>::tile_run_end(size_t first) const {
  const int tile = tile_bits();
  size_t end = first;
  for (; end < steps_.size(); ++end) {
    const Step& s = steps_[end];
    if (!s.program) {
      if (s.map.bits[3] >= tile) break;
      continue;
    }
    const sim::BlockGeometry& geo = s.the_block().geometry;
    if (s.the_block().per_sample || (geo.k > 0 && geo.sorted_bits[geo.k - 1] >= tile)) break;
  }
  return end;
}

template <typename T>
void DensitySimulator<T>::apply_tiled(size_t first, size_t end, size_t chunk,
                                      const sim::Traversal& walk) const {
  const int tile = tile_bits();
  const sim::ChunkView<T> v = rho_->chunk(chunk);
  walk.each_part(v.amplitudes() >> tile, [&](size_t t) {
    for (size_t i = first; i < end; ++i) {
      const Step& s = steps_[i];
      if (!s.program) {
        ops().pair_map(s.with(1 - s.q, s.q), v, t << (tile - 4), (t + 1) << (tile - 4));
        continue;
      }
      const sim::Block& b = s.the_block();
      const size_t g0 = t << (tile - b.geometry.k), g1 = (t + 1) << (tile - b.geometry.k);
      ops().apply(b.geometry, Bound::of(bound_[i].u_re, bound_[i].u_im), v, v, g0, g1);
    }
  });
}

template <typename T>
size_t DensitySimulator<T>::k_size(size_t i) const {
  const Step& s = steps_[i];
  if (!s.program) return 0;
  const sim::Block& b = s.the_block();
  const size_t kk = size_t{1} << (2 * b.width());
  return (b.real ? 1 : 2) * kk * (b.per_sample ? static_cast<size_t>(rho_->lanes()) : 1);
}

// phi <- S^-1 phi and lambda <- S^dag lambda, adding K of the block (grad/adjoint.h) into k.
template <typename T>
void DensitySimulator<T>::undo_step(size_t i, size_t chunk, const sim::Traversal& walk,
                                    double* k) const {
  const Step& s = steps_[i];
  const sim::ChunkView<T> phi = rho_->chunk(chunk), lambda = lambda_->chunk(chunk);
  if (!s.program) {  // the pair map is self-adjoint, and (1 - q) id + q P inverts in that form
    const sim::PairMap inverse = s.with(1 / (1 - s.q), -s.q / (1 - s.q)),
                       self = s.with(1 - s.q, s.q);
    walk.each_segment(phi.amplitudes() >> 4, [&](size_t, size_t g0, size_t g1) {
      ops().pair_map(inverse, phi, g0, g1);
      ops().pair_map(self, lambda, g0, g1);
    });
    return;
  }
  const sim::Block& b = s.the_block();
  const sim::BlockGeometry& geo = b.geometry;
  const size_t size = k_size(i), half = size / 2, groups = geo.groups(phi.qubits);
  std::vector<T> lanes;
  const sim::Matrices<T> udag = b.per_sample ? per_sample_matrices(s, chunk, true, lanes)
                                             : Bound::of(bound_[i].udag_re, bound_[i].udag_im);
  // A unitary block is undone by U^dag within the adjoint kernel; a channel's block first by
  // its inverse, after which the kernel reads phi as the block's input.
  if (!b.unitary)
    walk.each_segment(groups, [&](size_t, size_t g0, size_t g1) {
      ops().apply(geo, Bound::of(bound_[i].inv_re, bound_[i].inv_im), phi, phi, g0, g1);
    });
  walk.reduce_segments(groups, size, k, [&](size_t g0, size_t g1, double* into) {
    ops().adjoint(geo, udag, phi, lambda, g0, g1, b.per_sample, into,
                  b.real ? nullptr : into + half, !b.unitary);
  });
}

// The registers of the doubled input in the kernels' lane-major layout (sample lanes).
template <typename T>
static sim::RegisterLanes<T> register_lanes(const sim::ProductInput& in,
                                            const sim::BatchState<T>& s, size_t chunk,
                                            std::vector<T>& buffer, bool zero) {
  const size_t lanes = s.lanes(), regs = in.qubits.size();
  sim::RegisterLanes<T> r;
  r.count = static_cast<int>(regs);
  size_t total = 0;
  for (size_t m = 0; m < regs; ++m) total += 2 * (size_t{1} << in.qubits[m]) * lanes;
  buffer.assign(total, T(0));
  T* next = buffer.data();
  for (size_t m = 0; m < regs; ++m) {
    const size_t dim = size_t{1} << in.qubits[m];
    r.qubits[m] = in.qubits[m];
    r.shift[m] = sim::register_shift(in, m);
    r.data[m] = next;
    next += 2 * dim * lanes;
    for (size_t l = 0; !zero && l < lanes; ++l) {
      const size_t b = s.sample_of(chunk, l);
      if (b >= s.batch()) break;
      for (size_t i = 0; i < dim; ++i) {
        r.data[m][2 * i * lanes + l] = static_cast<T>(in.amplitudes[m][b * dim + i].real());
        r.data[m][(2 * i + 1) * lanes + l] = static_cast<T>(in.amplitudes[m][b * dim + i].imag());
      }
    }
  }
  return r;
}

// The registers, then their conjugates: the product state psi (x) conj(psi) = vec |psi><psi|.
static sim::ProductInput doubled(const sim::ProductInput& in,
                                 std::vector<std::vector<cplx>>& columns) {
  sim::ProductInput d = in;
  columns.resize(in.qubits.size());
  for (size_t m = 0; m < in.qubits.size(); ++m) {
    columns[m].assign(in.amplitudes[m].begin(), in.amplitudes[m].end());
    for (cplx& v : columns[m]) v = std::conj(v);
    d.qubits.push_back(in.qubits[m]);
    d.amplitudes.emplace_back(columns[m]);
  }
  return d;
}

template <typename T>
void DensitySimulator<T>::forward(const sim::ProductInput& input, std::span<const double> theta,
                                  std::span<const double> sample_angles) {
  int total = 0;
  for (int q : input.qubits) total += q;
  QMF_CHECK(total == n_, "density forward: registers of {} qubits for a {}-qubit circuit", total,
            n_);
  if (2 * input.qubits.size() > static_cast<size_t>(sim::kMaxRegisters))
    throw Error(fmt::format("noise: {} registers; a density matrix holds at most {}",
                            input.qubits.size(), sim::kMaxRegisters / 2));
  const size_t batch = input.amplitudes.front().size() >> input.qubits.front();
  QMF_CHECK(sample_angles.size() == batch * sample_params_, "density forward: {} sample angles",
            sample_angles.size());
  const int wide = sim::kernel_ops<T>(isa_).width;
  const int lanes = batch >= static_cast<size_t>(wide) ? wide : 1;
  if (!rho_ || rho_->batch() != batch || rho_->lanes() != lanes) {
    rho_.reset();
    lambda_.reset();
    check_memory(batch);
    rho_ = std::make_unique<sim::BatchState<T>>(2 * n_, batch, lanes);
  }
  theta_.assign(theta.begin(), theta.end());
  sample_.assign(sample_angles.begin(), sample_angles.end());
  bind(theta);
  const sim::ProductInput in = doubled(input, columns_);
  const sim::Traversal walk = traversal();
  walk.each_chunk(rho_->chunks(), [&](size_t ch) {
    std::vector<T> buffer;
    const sim::RegisterLanes<T> regs = register_lanes(in, *rho_, ch, buffer, false);
    const sim::ChunkView<T> v = rho_->chunk(ch);
    walk.each_segment(v.amplitudes(),
                      [&](size_t, size_t a0, size_t a1) { ops().product(regs, v, a0, a1); });
    for (size_t i = 0; i < steps_.size();) {
      const size_t end = tile_run_end(i);
      if (end > i + 1) {
        apply_tiled(i, end, ch, walk);
        i = end;
      } else {
        apply_step(i++, ch, walk);
      }
    }
  });
  undone_ = false;
}

template <typename T>
void DensitySimulator<T>::marginal(std::span<const int> qubits, std::span<double> out) const {
  QMF_CHECK(rho_ && !undone_, "density marginal before a forward");
  const size_t outcomes = size_t{1} << qubits.size(), lanes = rho_->lanes();
  QMF_CHECK(out.size() == rho_->batch() * outcomes, "density marginal: {} outputs", out.size());
  std::fill(out.begin(), out.end(), 0.0);
  for (size_t ch = 0; ch < rho_->chunks(); ++ch) {
    const sim::ChunkView<T> v = rho_->chunk(ch);
    for (size_t x = 0; x < (size_t{1} << n_); ++x) {
      size_t c = 0;
      for (int q : qubits) c = (c << 1) | ((x >> (n_ - 1 - q)) & 1);
      const T* diagonal = v.re((x << n_) | x);
      for (size_t l = 0; l < lanes; ++l) {
        const size_t b = rho_->sample_of(ch, l);
        if (b < rho_->batch()) out[b * outcomes + c] += static_cast<double>(diagonal[l]);
      }
    }
  }
}

// lambda = dL/d(rho) / 2: the kernels' gradient is 2 Re <lambda| dS |phi>, and the marginal is
// linear in rho, so dL/dtheta = Re <dL/drho| dS |phi>.
template <typename T>
void DensitySimulator<T>::seed(size_t chunk, std::span<const int> qubits,
                               std::span<const double> dprobs) const {
  const sim::ChunkView<T> lam = lambda_->chunk(chunk);
  const size_t outcomes = size_t{1} << qubits.size(), lanes = lam.lanes;
  std::memset(lam.data, 0, 2 * lam.amplitudes() * lanes * sizeof(T));
  for (size_t x = 0; x < (size_t{1} << n_); ++x) {
    size_t c = 0;
    for (int q : qubits) c = (c << 1) | ((x >> (n_ - 1 - q)) & 1);
    T* diagonal = lam.re((x << n_) | x);
    for (size_t l = 0; l < lanes; ++l) {
      const size_t b = rho_->sample_of(chunk, l);
      if (b < rho_->batch()) diagonal[l] = static_cast<T>(dprobs[b * outcomes + c] / 2);
    }
  }
}

template <typename T>
void DensitySimulator<T>::adjoint(const sim::ProductInput& input, std::span<const int> qubits,
                                  std::span<const double> dprobs, grad::Gradients& out) {
  QMF_CHECK(rho_ && !undone_, "density adjoint needs a forward before it, one per forward");
  if (!irreversible_.empty())
    throw Error(
        fmt::format("noise: the {} channel is too strong to differentiate through (its inverse is "
                    "singular or nearly); train at a lower strength, or only evaluate at this one",
                    irreversible_));
  // Each inverse may amplify the rounding of the steps after it by 1 / sigma; the sweep inverts
  // them all. When even this worst case (rounding rarely lines up with the shrunk directions)
  // passes a relative error of 1e-2, the gradient could be noise of our own making.
  const double limit = std::log10(1e-2 / static_cast<double>(std::numeric_limits<T>::epsilon()));
  if (log10_amplification_ > limit)
    throw Error(fmt::format(
        "noise: differentiating through this circuit's channels would amplify rounding by up to "
        "1e{:.0f} (the adjoint inverts every channel, and each inverse amplifies), more than the "
        "1e{:.0f} a {} gradient bears; train at a lower noise strength{}, and evaluate at this one",
        log10_amplification_, limit, sizeof(T) == 8 ? "double" : "float",
        sizeof(T) == 8 ? "" : " or with sim.precision = double"));
  const size_t outcomes = size_t{1} << qubits.size(), batch = rho_->batch();
  QMF_CHECK(dprobs.size() == batch * outcomes, "density adjoint: {} cotangents", dprobs.size());
  if (!lambda_) lambda_ = std::make_unique<sim::BatchState<T>>(2 * n_, batch, rho_->lanes());
  std::vector<size_t> offset(steps_.size() + 1, 0);
  for (size_t i = 0; i < steps_.size(); ++i) offset[i + 1] = offset[i] + k_size(i);
  std::vector<double> ks(rho_->chunks() * offset.back(), 0.0);
  const sim::ProductInput in = doubled(input, columns_);
  const size_t regs = input.qubits.size();
  out.registers.assign(regs, {});
  for (size_t m = 0; m < regs; ++m) out.registers[m].assign(batch << input.qubits[m], 0.0);
  const sim::Traversal walk = traversal();
  walk.each_chunk(rho_->chunks(), [&](size_t ch) {
    seed(ch, qubits, dprobs);
    double* k = ks.data() + ch * offset.back();
    for (size_t i = steps_.size(); i-- > 0;) undo_step(i, ch, walk, k + offset[i]);
    std::vector<T> regs_buf, grad_buf;
    const auto rl = register_lanes(in, *rho_, ch, regs_buf, false);
    const auto gl = register_lanes(in, *rho_, ch, grad_buf, true);
    ops().register_grad(rl, lambda_->chunk(ch), gl, 0, rho_->chunk(ch).amplitudes());
    const size_t lanes = rho_->lanes();
    for (size_t m = 0; m < regs; ++m) {  // row copy, plus the conjugate of the column copy's
      const size_t dim = size_t{1} << input.qubits[m];
      const T* row = gl.data[m];
      const T* col = gl.data[m + regs];
      for (size_t l = 0; l < lanes; ++l) {
        const size_t b = rho_->sample_of(ch, l);
        if (b >= batch) break;
        for (size_t i = 0; i < dim; ++i)
          out.registers[m][b * dim + i] += cplx{
              static_cast<double>(row[2 * i * lanes + l] + col[2 * i * lanes + l]),
              static_cast<double>(row[(2 * i + 1) * lanes + l] - col[(2 * i + 1) * lanes + l])};
      }
    }
  });
  undone_ = true;
  gather_gradients(ks, offset, out);
}

template <typename T>
void DensitySimulator<T>::gather_gradients(const std::vector<double>& ks,
                                           const std::vector<size_t>& offset,
                                           grad::Gradients& out) const {
  const size_t batch = rho_->batch(), lanes = rho_->lanes(), per_chunk = offset.back();
  out.theta.assign(theta_.size(), 0.0);
  out.sample.assign(batch * sample_params_, 0.0);
  std::vector<double> k;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& s = steps_[i];
    if (!s.program) continue;
    const sim::Block& b = s.the_block();
    const size_t size = k_size(i);
    if (!b.per_sample) {
      k.assign(size, 0.0);
      for (size_t ch = 0; ch < rho_->chunks(); ++ch)  // chunk order: thread-count independent
        for (size_t e = 0; e < size; ++e) k[e] += ks[ch * per_chunk + offset[i] + e];
      grad::add_shared_block_gradient(*s.program, theta_, s.block, k, out);
      continue;
    }
    const sim::Gate& g = s.program->circuit().gates()[b.gates[0]];
    for (size_t sample = 0; sample < batch; ++sample) {
      const double* kp = ks.data() + (sample / lanes) * per_chunk + offset[i] + sample % lanes;
      const double* angles = sample_.data() + sample * sample_params_;
      const std::vector<GateMatrix> d = s.program->block_derivatives(b, theta_.data(), angles);
      for (int p = 0; p < sim::info(g.kind).params; ++p) {
        const double v = grad::contract(d[p], kp, b.real ? nullptr : kp + size / 2, lanes);
        const sim::Angle a = g.angles[p];
        (a.source == sim::Angle::Source::Shared ? out.theta[a.index]
                                                : out.sample[sample * sample_params_ + a.index]) +=
            v;
      }
    }
  }
}

template <typename T>
sim::MatrixC DensitySimulator<T>::density_matrix(size_t b) const {
  QMF_CHECK(rho_ && !undone_ && b < rho_->batch(), "density_matrix({}) without its forward", b);
  const size_t dim = size_t{1} << n_;
  sim::MatrixC rho(dim, dim);
  for (size_t x = 0; x < dim; ++x)
    for (size_t y = 0; y < dim; ++y)
      rho(static_cast<Eigen::Index>(x), static_cast<Eigen::Index>(y)) =
          rho_->amplitude(b, (x << n_) | y);
  return rho;
}

template class DensitySimulator<double>;
template class DensitySimulator<float>;

}  // namespace qmf::noise
