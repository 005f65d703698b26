#include "sim/simulator.h"

#include <algorithm>
#include <bit>

#include "core/error.h"

namespace qmf::sim {
template <typename T>
void split_matrix(const GateMatrix& m, std::vector<T>& re, std::vector<T>& im, bool real) {
  const auto k = m.rows();
  re.resize(static_cast<size_t>(k * k));
  im.assign(real ? 0 : static_cast<size_t>(k * k), T(0));
  for (Eigen::Index r = 0; r < k; ++r)
    for (Eigen::Index c = 0; c < k; ++c) {
      re[r * k + c] = static_cast<T>(m(r, c).real());
      if (!real) im[r * k + c] = static_cast<T>(m(r, c).imag());
    }
}
template void split_matrix(const GateMatrix&, std::vector<float>&, std::vector<float>&, bool);
template void split_matrix(const GateMatrix&, std::vector<double>&, std::vector<double>&, bool);

template <typename T>
Simulator<T>::Simulator(std::shared_ptr<const Program> program, SimOptions options)
    : program_(std::move(program)),
      isa_(options.isa),
      layout_(options.layout),
      par_(options.threads) {
  const int wide = kernel_ops<T>(isa_).width, n = program_->qubits();
  const int bits = std::countr_zero(static_cast<unsigned>(wide));
  if (choose_layout(n, 1, wide, LaneLayout::Amplitudes) == LaneLayout::Amplitudes)
    for (const Block& b : program_->blocks()) plans_.push_back(plan_lanes(b, n, bits));
}

template <typename T>
BatchState<T> Simulator<T>::make_state(size_t batch) const {
  const int wide = kernel_ops<T>(isa_).width;
  const LaneLayout layout = choose_layout(program_->qubits(), batch, wide, layout_);
  // Samples too few to fill a pack and too few qubits for amplitude lanes: one lane per chunk.
  const bool one_lane = layout == LaneLayout::Samples && batch < static_cast<size_t>(wide);
  return BatchState<T>(program_->qubits(), batch, one_lane ? 1 : wide, layout);
}

// Block index of row r and lane l: bit j of the block index (from the top) is qubit j of the
// block, taken from r when it is a row bit and from l when it is a lane bit.
template <typename T>
typename Simulator<T>::LanePlan Simulator<T>::plan_lanes(const Block& b, int qubits,
                                                         int lane_bits) {
  std::vector<int> high, low;  // block positions j of row and lane qubits
  for (int j = 0; j < b.width(); ++j)
    (qubits - 1 - b.qubits[j] >= lane_bits ? high : low).push_back(j);
  LanePlan plan;
  plan.high_k = static_cast<int>(high.size());
  plan.low_k = static_cast<int>(low.size());
  std::vector<int> high_qubits(high.size());
  for (size_t h = 0; h < high.size(); ++h) high_qubits[h] = b.qubits[high[h]];
  plan.high = BlockGeometry(qubits - lane_bits, high_qubits.data(), plan.high_k);
  if (plan.low_k == 0) return plan;
  const int lanes = 1 << lane_bits, kh = 1 << plan.high_k, kl = 1 << plan.low_k;
  const auto index = [&](int r, int l) {
    int i = 0;
    for (int j = 0, h = 0; j < b.width(); ++j) {
      const int bit = qubits - 1 - b.qubits[j];
      const bool row = bit >= lane_bits;
      const int v = row ? (r >> (plan.high_k - 1 - h++)) & 1 : (l >> bit) & 1;
      i = (i << 1) | v;
    }
    return i;
  };
  for (int p = 0; p < kl; ++p) {
    int mask = 0;
    for (int t = 0; t < plan.low_k; ++t)
      if ((p >> t) & 1) mask |= 1 << (qubits - 1 - b.qubits[low[t]]);
    plan.lane_xor.push_back(mask);
  }
  for (int r = 0; r < kh; ++r)
    for (int l = 0; l < lanes; ++l) plan.row.push_back(index(r, l));
  for (int p = 0; p < kl; ++p)
    for (int c = 0; c < kh; ++c)
      for (int l = 0; l < lanes; ++l) plan.col.push_back(index(c, l ^ plan.lane_xor[p]));
  return plan;
}

template <typename T>
bool Simulator<T>::mixes_lanes(size_t i, const BatchState<T>& s) const {
  return s.lane_bits() && plans_[i].low_k > 0;
}

template <typename T>
const BlockGeometry& Simulator<T>::geometry(size_t i, const BatchState<T>& s) const {
  return s.lane_bits() ? plans_[i].high : program_->blocks()[i].geometry;
}

template <typename T>
void Simulator<T>::expand_mixing(size_t i, const GateMatrix& u, bool real,
                                 std::vector<T>& out) const {
  const LanePlan& plan = plans_[i];
  const size_t size = plan.col.size() << plan.high_k;  // KL * KH * KH * W
  out.resize(real ? size : 2 * size);
  const size_t lanes = plan.row.size() >> plan.high_k, kh = size_t{1} << plan.high_k;
  for (size_t p = 0; p < plan.lane_xor.size(); ++p)
    for (size_t r = 0; r < kh; ++r)
      for (size_t c = 0; c < kh; ++c)
        for (size_t l = 0; l < lanes; ++l) {
          const size_t e = ((p * kh + r) * kh + c) * lanes + l;
          const cplx v = u(plan.row[r * lanes + l], plan.col[(p * kh + c) * lanes + l]);
          out[e] = static_cast<T>(v.real());
          if (!real) out[size + e] = static_cast<T>(v.imag());
        }
}

template <typename T>
LaneMixing<T> Simulator<T>::mixing(size_t i, const T* re, const T* im) const {
  const LanePlan& p = plans_[i];
  return {p.high_k, p.low_k, re, im, p.lane_xor.data(), p.row.data(), p.col.data()};
}

template <typename T>
LaneMixing<T> Simulator<T>::block_mixing(size_t i, size_t chunk, bool adjoint,
                                         std::vector<T>& buffer) const {
  const Block& b = program_->blocks()[i];
  const std::vector<T>* m = adjoint ? &bound_[i].mix_dag : &bound_[i].mix;
  if (b.per_sample) {
    expand_mixing(i, sample_matrix(i, chunk, adjoint), b.real, buffer);
    m = &buffer;
  }
  const size_t half = plans_[i].col.size() << plans_[i].high_k;
  return mixing(i, m->data(), b.real ? nullptr : m->data() + half);
}

template <typename T>
GateMatrix Simulator<T>::sample_matrix(size_t i, size_t sample, bool adjoint) const {
  const size_t sp = program_->circuit().sample_params();
  GateMatrix u =
      program_->block_matrix(program_->blocks()[i], theta_.data(), sample_.data() + sample * sp);
  if (adjoint) u.adjointInPlace();
  return u;
}

template <typename T>
void Simulator<T>::apply_block(size_t i, const BatchState<T>& s, size_t ch, const Traversal& walk,
                               std::vector<T>& buffer) {
  const ChunkView<T> chunk = s.chunk(ch);
  const BlockGeometry& geo = geometry(i, s);
  if (mixes_lanes(i, s)) {  // amplitude lanes, never recorded
    const LaneMixing<T> u = block_mixing(i, ch, false, buffer);
    walk.each_segment(geo.groups(chunk.qubits), [&](size_t, size_t g0, size_t g1) {
      ops(s).apply_mixing(geo, u, chunk, g0, g1);
    });
    return;
  }
  // Recording, block i reads its input where block i - 1 left it and writes the next one's;
  // the last block writes the state.
  const size_t blocks = program_->blocks().size();
  const ChunkView<T> in = recorded_ ? recorded_input(s, ch, i) : chunk;
  const ChunkView<T> out = recorded_ && i + 1 < blocks ? recorded_input(s, ch, i + 1) : chunk;
  const Matrices<T> u = block_matrices(i, s, ch, false, buffer);
  walk.each_segment(geo.groups(chunk.qubits),
                    [&](size_t, size_t g0, size_t g1) { ops(s).apply(geo, u, in, out, g0, g1); });
}

template <typename T>
int Simulator<T>::tile_bits(const BatchState<T>& s) const {
  const size_t row_bytes = 2 * s.lanes() * sizeof(T);
  int bits = 0;
  while ((row_bytes << (bits + 1)) <= kTileBytes) ++bits;
  return bits;
}

template <typename T>
size_t Simulator<T>::tile_run_end(size_t first, const BatchState<T>& s, int tile_bits) const {
  const std::vector<Block>& blocks = program_->blocks();
  size_t end = first;
  for (; end < blocks.size() && !blocks[end].per_sample; ++end) {
    const BlockGeometry& geo = geometry(end, s);
    if (geo.k > 0 && geo.sorted_bits[geo.k - 1] >= tile_bits) break;
  }
  return end;
}

template <typename T>
void Simulator<T>::apply_tiled(size_t first, size_t end, const BatchState<T>& s, size_t ch,
                               const Traversal& walk, int tile_bits) {
  const ChunkView<T> chunk = s.chunk(ch);
  const KernelOps<T>& kernels = ops(s);
  walk.each_part(chunk.amplitudes() >> tile_bits, [&](size_t tile) {
    for (size_t i = first; i < end; ++i) {
      const BlockGeometry& geo = geometry(i, s);
      const size_t g0 = tile << (tile_bits - geo.k), g1 = (tile + 1) << (tile_bits - geo.k);
      std::vector<T> unused;  // shared blocks keep their matrices bound
      if (mixes_lanes(i, s))
        kernels.apply_mixing(geo, block_mixing(i, ch, false, unused), chunk, g0, g1);
      else
        kernels.apply(geo, block_matrices(i, s, ch, false, unused), chunk, chunk, g0, g1);
    }
  });
}

template <typename T>
ChunkView<T> Simulator<T>::recorded_input(const BatchState<T>& s, size_t ch, size_t block) const {
  const ChunkView<T> chunk = s.chunk(ch);
  const size_t size = 2 * chunk.amplitudes() * static_cast<size_t>(chunk.lanes);
  return {record_.data() + (ch * program_->blocks().size() + block) * size, chunk.qubits,
          chunk.lanes};
}

template <typename T>
size_t Simulator<T>::record_bytes(const BatchState<T>& s) const {
  return s.chunks() * s.chunk(0).amplitudes() * 2 * s.lanes() * sizeof(T) *
         program_->blocks().size();
}

template <typename T>
bool Simulator<T>::records(const BatchState<T>& s) const {
  const size_t bytes = record_bytes(s);
  return s.lane_bits() == 0 && s.lanes() * sizeof(T) <= kRecordPackBytes && bytes > 0 &&
         bytes <= kRecordBytes;
}

template <typename T>
void Simulator<T>::start_record(const BatchState<T>& s, bool wanted) {
  recorded_ = wanted && records(s);
  recorded_state_ = recorded_ ? &s : nullptr;
  if (recorded_) record_.resize(record_bytes(s) / sizeof(T));
}

template <typename T>
const KernelOps<T>& Simulator<T>::ops(const BatchState<T>& s) const {
  return s.lanes() == 1 ? scalar_ops<T>() : kernel_ops<T>(isa_);
}

template <typename T>
void Simulator<T>::bind(std::span<const double> theta, bool lane_mixing) {
  const auto& blocks = program_->blocks();
  bound_.resize(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].per_sample) continue;
    const GateMatrix u = program_->block_matrix(blocks[i], theta.data(), nullptr);
    const GateMatrix udag = u.adjoint();
    split_matrix(u, bound_[i].u_re, bound_[i].u_im, blocks[i].real);
    split_matrix(udag, bound_[i].udag_re, bound_[i].udag_im, blocks[i].real);
    if (lane_mixing && plans_[i].low_k > 0) {
      expand_mixing(i, u, blocks[i].real, bound_[i].mix);
      expand_mixing(i, udag, blocks[i].real, bound_[i].mix_dag);
    }
  }
}

template <typename T>
Matrices<T> Simulator<T>::block_matrices(size_t i, const BatchState<T>& s, size_t chunk,
                                         bool adjoint, std::vector<T>& m) const {
  const Block& b = program_->blocks()[i];
  if (!b.per_sample) return adjoint ? bound_[i].udag() : bound_[i].u();
  if (s.lane_bits()) {  // one sample per chunk: its matrix, shared by the lanes
    std::vector<T> im;
    split_matrix(sample_matrix(i, chunk, adjoint), m, im, b.real);
    const size_t kk = m.size();
    m.insert(m.end(), im.begin(), im.end());
    return {m.data(), b.real ? nullptr : m.data() + kk, false};
  }
  const size_t kk = size_t{1} << (2 * b.width()), lanes = s.lanes();
  const size_t sp = program_->circuit().sample_params();
  m.assign(2 * kk * lanes, T(0));
  std::vector<double> zero(sp, 0.0);
  for (size_t l = 0; l < lanes; ++l) {
    const size_t sample = chunk * lanes + l;
    // Padding lanes hold zero states; any unitary keeps them zero.
    const double* angles = sample < s.batch() ? sample_.data() + sample * sp : zero.data();
    GateMatrix u = program_->block_matrix(b, theta_.data(), angles);
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

// Register m occupies bits [shift, shift + q) of the amplitude index. In the amplitude-lane
// layout its bits below w = lane_bits live in the lane index: the kernels see its row part
// (q_row bits from row bit max(shift - w, 0)), and the lane data of row index i, lane l, holds
// amplitude (i << q_lane) | (l >> shift) of the register, the same for every lane when q_lane = 0.
template <typename T>
RegisterLanes<T> Simulator<T>::register_lanes(const ProductInput& in, const BatchState<T>& s,
                                              size_t chunk, std::vector<T>& buffer,
                                              bool zero) const {
  const size_t lanes = s.lanes(), regs = in.qubits.size();
  const int w = s.lane_bits();
  RegisterLanes<T> r;
  r.count = static_cast<int>(regs);
  std::vector<int> lane_qubits(regs), shift(regs);
  for (size_t m = 0; m < regs; ++m) {
    shift[m] = register_shift(in, m);
    lane_qubits[m] = std::clamp(w - shift[m], 0, in.qubits[m]);
    r.qubits[m] = in.qubits[m] - lane_qubits[m];
    r.shift[m] = std::max(shift[m] - w, 0);
  }
  size_t total = 0;
  for (size_t m = 0; m < regs; ++m) total += 2 * (size_t{1} << r.qubits[m]) * lanes;
  buffer.assign(total, T(0));
  T* next = buffer.data();
  for (size_t m = 0; m < regs; ++m) {
    r.data[m] = next;
    const size_t rows = size_t{1} << r.qubits[m], dim = size_t{1} << in.qubits[m];
    next += 2 * rows * lanes;
    if (zero) continue;
    for (size_t l = 0; l < lanes; ++l) {
      const size_t b = s.sample_of(chunk, l);
      if (b >= s.batch()) break;  // padding lanes stay zero, and so does their product state
      for (size_t i = 0; i < rows; ++i) {
        const cplx v = in.amplitudes[m][b * dim + register_index(i, l, shift[m], lane_qubits[m])];
        r.data[m][2 * i * lanes + l] = static_cast<T>(v.real());
        r.data[m][(2 * i + 1) * lanes + l] = static_cast<T>(v.imag());
      }
    }
  }
  return r;
}

template <typename T>
void Simulator<T>::forward(const ProductInput& input, std::span<const double> theta,
                           std::span<const double> sample_angles, BatchState<T>& s,
                           bool record_inputs) {
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
  bind(theta, s.lane_bits() > 0);
  start_record(s, record_inputs);

  const size_t rows = s.chunk(0).amplitudes();
  const Traversal walk = traversal(s);
  walk.each_chunk(s.chunks(), [&](size_t ch) {
    std::vector<T> buffer;
    const RegisterLanes<T> regs = register_lanes(input, s, ch, buffer);
    const ChunkView<T> first = recorded_ ? recorded_input(s, ch, 0) : s.chunk(ch);
    walk.each_segment(rows,
                      [&](size_t, size_t a0, size_t a1) { ops(s).product(regs, first, a0, a1); });
    // Tiles pay only where a chunk spans several; a recording forward writes each block's
    // output apart from its input, so it goes block by block.
    const int tile = tile_bits(s);
    const bool tiled = !recorded_ && s.chunk(0).qubits > tile;
    for (size_t i = 0, blocks = program_->blocks().size(); i < blocks;) {
      const size_t end = tiled ? tile_run_end(i, s, tile) : i;
      if (end > i + 1) {
        apply_tiled(i, end, s, ch, walk, tile);
        i = end;
      } else {
        apply_block(i, s, ch, walk, buffer);
        ++i;
      }
    }
  });
}

template <typename T>
typename Simulator<T>::ReadoutBits Simulator<T>::readout_bits(const BatchState<T>& s,
                                                              std::span<const int> qubits) const {
  const int n = s.qubits(), w = s.lane_bits();
  ReadoutBits r;
  for (int q : qubits)
    if (n - 1 - q >= w) r.rows.push_back(n - 1 - q - w);
  const size_t lanes = s.lanes(), outcomes = size_t{1} << r.rows.size();
  for (size_t c = 0; c < outcomes; ++c)
    for (size_t l = 0; l < lanes; ++l) {
      size_t full = 0;
      for (int j = 0, h = 0; j < static_cast<int>(qubits.size()); ++j) {
        const int bit = n - 1 - qubits[j];
        const int rows = static_cast<int>(r.rows.size());
        const size_t v = bit >= w ? (c >> (rows - 1 - h++)) & 1 : (l >> bit) & 1;
        full = (full << 1) | v;
      }
      r.outcome.push_back(full);
    }
  return r;
}

template <typename T>
void Simulator<T>::marginal(const BatchState<T>& s, std::span<const int> qubits,
                            std::span<double> out) const {
  check_state(s, "marginal", false);
  const int n = s.qubits();
  const size_t outcomes = size_t{1} << qubits.size(), lanes = s.lanes();
  if (out.size() != s.batch() * outcomes)
    throw Error(fmt::format("marginal: output holds {} values, expected {}", out.size(),
                            s.batch() * outcomes));
  for (int q : qubits)
    if (q < 0 || q >= n)
      throw Error(fmt::format("marginal: qubit {} out of range 0..{}", q, n - 1));
  const ReadoutBits bits = readout_bits(s, qubits);
  const size_t rows = s.chunk(0).amplitudes(), segs = Traversal::segments(rows);
  const size_t row_outcomes = size_t{1} << bits.rows.size();
  // One partial sum per (chunk, segment), added in that order below, whichever walk fills them.
  std::vector<T> partial(s.chunks() * segs * row_outcomes * lanes, T(0));
  const Traversal walk = traversal(s);
  walk.each_chunk(s.chunks(), [&](size_t ch) {
    walk.each_segment(rows, [&](size_t j, size_t a0, size_t a1) {
      ops(s).marginal(s.chunk(ch), bits.rows.data(), static_cast<int>(bits.rows.size()), a0, a1,
                      partial.data() + (ch * segs + j) * row_outcomes * lanes);
    });
  });
  std::fill(out.begin(), out.end(), 0.0);
  for (size_t ch = 0; ch < s.chunks(); ++ch)
    for (size_t j = 0; j < segs; ++j)
      for (size_t c = 0; c < row_outcomes; ++c)
        for (size_t l = 0; l < lanes; ++l) {
          const size_t b = s.sample_of(ch, l);
          if (b < s.batch())
            out[b * outcomes + bits.outcome[c * lanes + l]] +=
                static_cast<double>(partial[((ch * segs + j) * row_outcomes + c) * lanes + l]);
        }
}

template class Simulator<float>;
template class Simulator<double>;

}  // namespace qmf::sim
