#include "grad/adjoint.h"

#include "core/error.h"
#include "grad/block_gradient.h"
#include "sim/reverse_pass.h"

namespace qmf::grad {
namespace {

using sim::Block;
using sim::cplx;
using sim::GateMatrix;

// Every block's K for every chunk, one array: block i of chunk ch at ch * per_chunk + offset[i].
// Chunks keep their own K so that concurrent chunks never share a sum; they are added in chunk
// order afterwards.
class KStore {
 public:
  template <typename T>
  KStore(const sim::ReversePass<T>& pass, std::vector<double>& values) : values_(values) {
    for (size_t i = 0; i < pass.program().blocks().size(); ++i) {
      offset_.push_back(per_chunk_);
      size_.push_back(pass.k_size(i));
      per_chunk_ += size_.back();
    }
    values_.assign(pass.chunks() * per_chunk_, 0.0);
  }
  size_t size(size_t block) const { return size_[block]; }
  double* k(size_t chunk, size_t block) {
    return values_.data() + chunk * per_chunk_ + offset_[block];
  }
  const double* k(size_t chunk, size_t block) const {
    return values_.data() + chunk * per_chunk_ + offset_[block];
  }

 private:
  std::vector<double>& values_;
  std::vector<size_t> offset_, size_;
  size_t per_chunk_ = 0;
};

// The whole backward walk: lambda seeded from the loss, every block undone from the last, and
// the input gradient read off lambda, chunk by chunk however the pass spreads the chunks.
template <typename T>
void sweep(const sim::ReversePass<T>& pass, KStore& ks, const sim::ProductInput& input,
           std::span<const int> qubits, std::span<const double> dprobs, Gradients& out) {
  out.registers.assign(input.qubits.size(), {});
  for (size_t m = 0; m < input.qubits.size(); ++m)
    out.registers[m].assign(pass.batch() << input.qubits[m], 0.0);
  const size_t blocks = pass.program().blocks().size();
  pass.each_chunk([&](size_t ch) {
    pass.seed(ch, qubits, dprobs);
    for (size_t i = blocks; i-- > 0;) pass.undo(i, ch, ks.k(ch, i));
    pass.input_gradients(ch, input, out.registers);
  });
}

template <typename T>
void sample_block_gradient(const sim::ReversePass<T>& pass, const KStore& ks, size_t i,
                           Gradients& out) {
  const sim::Program& prog = pass.program();
  const Block& b = prog.blocks()[i];
  const sim::Gate& g = prog.circuit().gates()[b.gates[0]];
  const size_t lanes = pass.samples_per_chunk(), sp = prog.circuit().sample_params();
  const size_t half = ks.size(i) / 2;
  for (size_t ch = 0; ch < pass.chunks(); ++ch)
    for (size_t l = 0; l < lanes; ++l) {
      const size_t sample = ch * lanes + l;
      if (sample >= pass.batch()) break;
      const double* k = ks.k(ch, i) + l;
      const std::vector<GateMatrix> d =
          prog.block_derivatives(b, pass.theta().data(), pass.sample_angles(sample));
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
    throw Error(fmt::format("adjoint: {} probability cotangents given, expected {}", dprobs.size(),
                            state.batch() * outcomes));
  for (int q : qubits)
    if (q < 0 || q >= state.qubits())
      throw Error(fmt::format("adjoint: qubit {} out of range 0..{}", q, state.qubits() - 1));
  const sim::ReversePass<T> pass(sim, state, lambda_);
  KStore ks(pass, k_);
  sweep(pass, ks, input, qubits, dprobs, out);

  out.theta.assign(prog.circuit().shared_params(), 0.0);
  out.sample.assign(state.batch() * prog.circuit().sample_params(), 0.0);
  std::vector<double> k;
  for (size_t i = 0; i < prog.blocks().size(); ++i) {
    if (prog.blocks()[i].per_sample) {
      sample_block_gradient(pass, ks, i, out);
      continue;
    }
    k.assign(ks.size(i), 0.0);
    for (size_t ch = 0; ch < state.chunks(); ++ch)  // chunk order: thread-count independent
      for (size_t e = 0; e < k.size(); ++e) k[e] += ks.k(ch, i)[e];
    add_shared_block_gradient(prog, pass.theta(), i, k, out);
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
