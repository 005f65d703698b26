#include "grad/adjoint.h"

#include <algorithm>

#include "core/error.h"

namespace qmf::grad {
namespace {

using sim::Block;
using sim::cplx;
using sim::MatrixC;

// Where each block's K lives inside one chunk's K store.
struct KLayout {
  std::vector<size_t> offset;  // re at offset, im at offset + size/2
  std::vector<size_t> size;
  size_t per_chunk = 0;
  KLayout(const std::vector<Block>& blocks, size_t lanes) {
    for (const Block& b : blocks) {
      const size_t kk = size_t{1} << (2 * b.width());
      offset.push_back(per_chunk);
      size.push_back(2 * kk * (b.per_sample ? lanes : 1));
      per_chunk += size.back();
    }
  }
};

template <typename T>
class Sweep {
 public:
  Sweep(const sim::Simulator<T>& sim, sim::BatchState<T>& phi, sim::BatchState<T>& lambda,
        std::vector<double>& k, const sim::ProductInput& input, std::span<const int> qubits,
        std::span<const double> dprobs, Gradients& out)
      : sim_(sim), prog_(sim.program()), phi_(phi), lambda_(lambda), input_(input),
        qubits_(qubits), dprobs_(dprobs), out_(out),
        layout_(prog_.blocks(), static_cast<size_t>(phi.lanes())), k_(k) {
    k_.assign(phi.chunks() * layout_.per_chunk, 0.0);
    for (int q : qubits) bits_.push_back(phi.qubits() - 1 - q);
    out_.registers.assign(input.qubits.size(), {});
    for (size_t m = 0; m < input.qubits.size(); ++m)
      out_.registers[m].assign(phi.batch() << input.qubits[m], 0.0);
  }

  void run() {
    if (sim_.splits_amplitudes(phi_)) {
      for (size_t ch = 0; ch < phi_.chunks(); ++ch) run_chunk_split(ch);
    } else {
      sim_.parallel()(phi_.chunks(), [&](size_t ch) { run_chunk(ch); });
    }
  }

  const sim::BatchState<T>& lambda() const { return lambda_; }
  const KLayout& layout() const { return layout_; }
  const double* k(size_t chunk, size_t block) const {
    return k_.data() + chunk * layout_.per_chunk + layout_.offset[block];
  }

 private:
  std::vector<T> seed_weights(size_t ch) const {
    const size_t outcomes = size_t{1} << bits_.size(), lanes = phi_.lanes();
    std::vector<T> w(outcomes * lanes, T(0));
    for (size_t l = 0; l < lanes; ++l) {
      const size_t b = ch * lanes + l;
      if (b >= phi_.batch()) break;
      for (size_t c = 0; c < outcomes; ++c)
        w[c * lanes + l] = static_cast<T>(dprobs_[b * outcomes + c]);
    }
    return w;
  }

  sim::Matrices<T> udag(size_t i, const std::vector<T>& lanes) const {
    const Block& b = prog_.blocks()[i];
    if (!b.per_sample) return sim_.bound()[i].udag();
    const size_t half = lanes.size() / 2;
    return {lanes.data(), b.real ? nullptr : lanes.data() + half, true};
  }

  // Runs the block's adjoint step over groups [g0, g1) adding into `k`.
  void step(size_t i, size_t ch, const std::vector<T>& lanes, size_t g0, size_t g1,
            double* k) const {
    const Block& b = prog_.blocks()[i];
    const size_t half = layout_.size[i] / 2;
    sim_.ops(phi_).adjoint(b.geometry, udag(i, lanes), phi_.chunk(ch), lambda_.chunk(ch), g0, g1,
                           b.per_sample, k, b.real ? nullptr : k + half);
  }

  std::vector<T> lanes_for(size_t i, size_t ch) const {
    const Block& b = prog_.blocks()[i];
    return b.per_sample ? sim_.lane_matrices(b, phi_, ch, true) : std::vector<T>{};
  }

  void run_chunk(size_t ch) {
    const auto w = seed_weights(ch);
    const size_t amps = size_t{1} << phi_.qubits();
    sim_.ops(phi_).seed(phi_.chunk(ch), lambda_.chunk(ch), bits_.data(),
                        static_cast<int>(bits_.size()), w.data(), 0, amps);
    const auto& blocks = prog_.blocks();
    for (size_t i = blocks.size(); i-- > 0;) {
      const size_t groups = blocks[i].geometry.groups(phi_.qubits());
      const size_t seg = sim::Simulator<T>::segment_groups(groups);
      const auto lanes = lanes_for(i, ch);
      double* k = k_.data() + ch * layout_.per_chunk + layout_.offset[i];
      for (size_t j = 0; j < groups / seg; ++j) step(i, ch, lanes, j * seg, (j + 1) * seg, k);
    }
    register_gradients(ch);
  }

  // dL/d(register amplitudes) of the chunk's samples from lambda at the input. A reduction
  // over all amplitudes into small vectors: one sequential call per chunk, in any mode.
  void register_gradients(size_t ch) {
    std::vector<T> regs_buf, grad_buf;
    const auto regs = sim_.register_lanes(input_, phi_, ch, regs_buf);
    const auto grads = sim_.register_lanes(input_, phi_, ch, grad_buf, true);
    sim_.ops(phi_).register_grad(regs, lambda_.chunk(ch), grads, 0, size_t{1} << phi_.qubits());
    const size_t lanes = phi_.lanes();
    for (size_t m = 0; m < input_.qubits.size(); ++m) {
      const size_t dim = size_t{1} << input_.qubits[m];
      for (size_t l = 0; l < lanes; ++l) {
        const size_t b = ch * lanes + l;
        if (b >= phi_.batch()) break;
        for (size_t i = 0; i < dim; ++i)
          out_.registers[m][b * dim + i] = {static_cast<double>(grads.data[m][2 * i * lanes + l]),
                                            static_cast<double>(grads.data[m][(2 * i + 1) * lanes + l])};
      }
    }
  }

  // Same arithmetic as run_chunk, with the segments of each block spread over the threads and
  // their partial K added in segment order afterwards.
  void run_chunk_split(size_t ch) {
    const auto w = seed_weights(ch);
    const size_t amps = size_t{1} << phi_.qubits(), aseg = sim::Simulator<T>::segment_groups(amps);
    sim_.parallel()(amps / aseg, [&](size_t j) {
      sim_.ops(phi_).seed(phi_.chunk(ch), lambda_.chunk(ch), bits_.data(),
                          static_cast<int>(bits_.size()), w.data(), j * aseg, (j + 1) * aseg);
    });
    const auto& blocks = prog_.blocks();
    for (size_t i = blocks.size(); i-- > 0;) {
      const size_t groups = blocks[i].geometry.groups(phi_.qubits());
      const size_t seg = sim::Simulator<T>::segment_groups(groups), segs = groups / seg;
      const size_t size = layout_.size[i];
      const auto lanes = lanes_for(i, ch);
      std::vector<double> partial(segs * size, 0.0);
      sim_.parallel()(segs, [&](size_t j) {
        step(i, ch, lanes, j * seg, (j + 1) * seg, partial.data() + j * size);
      });
      double* k = k_.data() + ch * layout_.per_chunk + layout_.offset[i];
      for (size_t j = 0; j < segs; ++j)
        for (size_t e = 0; e < size; ++e) k[e] += partial[j * size + e];
    }
    register_gradients(ch);
  }

  const sim::Simulator<T>& sim_;
  const sim::Program& prog_;
  sim::BatchState<T>& phi_;
  sim::BatchState<T>& lambda_;
  const sim::ProductInput& input_;
  std::span<const int> qubits_;
  std::span<const double> dprobs_;
  Gradients& out_;
  std::vector<int> bits_;
  KLayout layout_;
  std::vector<double>& k_;
};

// 2 Re sum_rc D_rc K_rc, with K given as separate real and imaginary arrays of stride `stride`.
double contract(const MatrixC& d, const double* k_re, const double* k_im, size_t stride) {
  const auto dim = d.rows();
  double s = 0;
  for (Eigen::Index r = 0; r < dim; ++r)
    for (Eigen::Index c = 0; c < dim; ++c) {
      const size_t e = static_cast<size_t>(r * dim + c) * stride;
      s += d(r, c).real() * k_re[e];
      if (k_im) s -= d(r, c).imag() * k_im[e];
    }
  return 2 * s;
}

template <typename T>
void shared_block_gradient(const sim::Program& prog, std::span<const double> theta, size_t i,
                           const std::vector<double>& k, Gradients& out) {
  const Block& b = prog.blocks()[i];
  const size_t half = k.size() / 2;
  const std::vector<MatrixC> d = prog.block_derivatives(b, theta.data(), nullptr);
  size_t next = 0;
  for (uint32_t id : b.gates) {
    const sim::Gate& g = prog.circuit().gates()[id];
    for (int p = 0; p < sim::info(g.kind).params; ++p)
      out.theta[g.angles[p].index] +=
          contract(d[next++], k.data(), b.real ? nullptr : k.data() + half, 1);
  }
}

template <typename T>
void sample_block_gradient(const sim::Simulator<T>& sim, const Sweep<T>& sweep,
                           const sim::BatchState<T>& s, size_t i, Gradients& out) {
  const sim::Program& prog = sim.program();
  const Block& b = prog.blocks()[i];
  const sim::Gate& g = prog.circuit().gates()[b.gates[0]];
  const size_t lanes = s.lanes(), sp = prog.circuit().sample_params();
  const size_t half = sweep.layout().size[i] / 2;
  for (size_t ch = 0; ch < s.chunks(); ++ch)
    for (size_t l = 0; l < lanes; ++l) {
      const size_t sample = ch * lanes + l;
      if (sample >= s.batch()) break;
      const double* angles = sim.sample_angles().data() + sample * sp;
      const double* k = sweep.k(ch, i) + l;
      const std::vector<MatrixC> d = prog.block_derivatives(b, sim.theta().data(), angles);
      for (int p = 0; p < sim::info(g.kind).params; ++p) {
        const double v = contract(d[p], k, b.real ? nullptr : k + half, lanes);
        const sim::Angle a = g.angles[p];
        (a.source == sim::Angle::Source::Shared ? out.theta[a.index]
                                                : out.sample[sample * sp + a.index]) += v;
      }
    }
}

}  // namespace

template <typename T>
void Adjoint<T>::run(const sim::Simulator<T>& sim, sim::BatchState<T>& state,
                     const sim::ProductInput& input, std::span<const int> qubits,
                     std::span<const double> dprobs, Gradients& out) {
  const sim::Program& prog = sim.program();
  const size_t outcomes = size_t{1} << qubits.size();
  if (dprobs.size() != state.batch() * outcomes)
    throw Error(fmt::format("adjoint: {} probability cotangents given, expected {}",
                            dprobs.size(), state.batch() * outcomes));
  for (int q : qubits)
    if (q < 0 || q >= state.qubits())
      throw Error(fmt::format("adjoint: qubit {} out of range 0..{}", q, state.qubits() - 1));
  QMF_CHECK(sim.bound().size() == prog.blocks().size(), "adjoint before forward");
  sim.check_state(state, "adjoint", true);
  if (!lambda_ || lambda_->batch() != state.batch() || lambda_->lanes() != state.lanes() ||
      lambda_->qubits() != state.qubits())
    lambda_ = std::make_unique<sim::BatchState<T>>(state.qubits(), state.batch(), state.lanes());

  Sweep<T> sweep(sim, state, *lambda_, k_, input, qubits, dprobs, out);
  sweep.run();

  out.theta.assign(prog.circuit().shared_params(), 0.0);
  out.sample.assign(state.batch() * prog.circuit().sample_params(), 0.0);
  std::vector<double> k;
  for (size_t i = 0; i < prog.blocks().size(); ++i) {
    if (prog.blocks()[i].per_sample) {
      sample_block_gradient(sim, sweep, state, i, out);
      continue;
    }
    k.assign(sweep.layout().size[i], 0.0);
    for (size_t ch = 0; ch < state.chunks(); ++ch)  // chunk order: thread-count independent
      for (size_t e = 0; e < k.size(); ++e) k[e] += sweep.k(ch, i)[e];
    shared_block_gradient<T>(prog, sim.theta(), i, k, out);
  }
}

template <typename T>
void adjoint(const sim::Simulator<T>& sim, sim::BatchState<T>& state,
             const sim::ProductInput& input, std::span<const int> qubits,
             std::span<const double> dprobs, Gradients& out) {
  Adjoint<T>().run(sim, state, input, qubits, dprobs, out);
}

template class Adjoint<float>;
template class Adjoint<double>;
template void adjoint(const sim::Simulator<float>&, sim::BatchState<float>&,
                      const sim::ProductInput&, std::span<const int>, std::span<const double>,
                      Gradients&);
template void adjoint(const sim::Simulator<double>&, sim::BatchState<double>&,
                      const sim::ProductInput&, std::span<const int>, std::span<const double>,
                      Gradients&);

}  // namespace qmf::grad
