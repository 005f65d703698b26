#pragma once
// Exact noisy simulation of a batch: each sample's density matrix rho (n qubits) is held as a
// vector of 2n qubits, entry (x << n) | y = rho[x][y], and runs through the state-vector kernels.
// A gate U on qubits Q becomes U on the row qubits Q and conj(U) on the column qubits Q + n; a
// one-qubit channel becomes its 4 x 4 superoperator on (q, q + n), fused into the gates' blocks
// (sim/program.h). The two-qubit depolarizing channel spans four of those qubits, wider than a
// block, and runs as a step of its own: it is (1 - q) id + q P with P the projector that fully
// depolarises the pair, and q = 16p/15.
//
// Gradients: every step is linear, so the adjoint sweep of grad/adjoint.h applies as it is,
// lambda <- S^dag lambda, with the loss entering linearly, P(c) = sum over x in c of rho[x][x].
// The sweep recovers each step's input by inverting the step (U^dag for the unitary blocks,
// a 4 x 4 or pair inverse for channels), so it needs no stored states; channels too strong to
// invert safely are refused (Error naming the channel) when a gradient is asked for.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "grad/gradients.h"
#include "noise/noise_model.h"
#include "sim/program.h"
#include "sim/simulator.h"

namespace qmf::noise {

// The largest circuit run on density matrices: 12 qubits are a 24-qubit vector, 256 MiB per
// sample in double.
inline constexpr int kMaxDensityQubits = 12;

// Whether the model has a channel with p > 0, so that states must be density matrices (readout
// error alone acts on the marginal and keeps the state-vector path).
bool needs_density_matrix(const NoiseModel& m);

// The reduced density matrix of qubits [first, first + k) of an n-qubit rho.
sim::MatrixC partial_trace(const sim::MatrixC& rho, int n, int first, int k);

template <typename T>
class DensitySimulator {
 public:
  // Throws UsageError when the circuit has more than kMaxDensityQubits qubits.
  DensitySimulator(const sim::Circuit& circuit, const NoiseModel& noise,
                   sim::SimOptions options = {});
  ~DensitySimulator();

  int qubits() const { return n_; }
  size_t batch() const;
  // Fused blocks and pair channels, for listings and benchmarks.
  size_t steps() const { return steps_.size(); }

  // rho = |psi><psi| of the product input, then every gate and channel; the inputs as for
  // sim::Simulator::forward.
  void forward(const sim::ProductInput& input, std::span<const double> theta,
               std::span<const double> sample_angles);
  // out[b * 2^|qubits| + c] = P(c) on `qubits` of the last forward, before any readout error.
  void marginal(std::span<const int> qubits, std::span<double> out) const;
  // The gradients of L from dL/dP (as marginal() lays it out) of the last forward. Walks the
  // state back to the input; one call per forward.
  void adjoint(const sim::ProductInput& input, std::span<const int> qubits,
               std::span<const double> dprobs, grad::Gradients& out);

  // rho of sample b of the last forward (tests, explanations).
  sim::MatrixC density_matrix(size_t b) const;

 private:
  struct Step;
  struct Bound;
  void build(const sim::Circuit& circuit, const NoiseModel& noise);
  void check_memory(size_t batch) const;
  void bind(std::span<const double> theta);
  void check_invertible() const;
  sim::Matrices<T> per_sample_matrices(const Step& s, size_t chunk, bool adjoint,
                                       std::vector<T>& out) const;
  void apply_step(size_t i, size_t chunk, const sim::Traversal& walk) const;
  int tile_bits() const;
  size_t tile_run_end(size_t first) const;
  void apply_tiled(size_t first, size_t end, size_t chunk, const sim::Traversal& walk) const;
  void undo_step(size_t i, size_t chunk, const sim::Traversal& walk, double* k) const;
  size_t k_size(size_t i) const;
  // The angles' gradients from every step's K, chunk by chunk (ks, offset: as adjoint() lays
  // them out).
  void gather_gradients(const std::vector<double>& ks, const std::vector<size_t>& offset,
                        grad::Gradients& out) const;
  void seed(size_t chunk, std::span<const int> qubits, std::span<const double> dprobs) const;
  const sim::KernelOps<T>& ops() const;
  sim::Traversal traversal() const;

  int n_;
  size_t sample_params_;
  qmf::Isa isa_;
  ParallelFor par_;
  std::vector<std::unique_ptr<const sim::Program>> programs_;
  std::vector<Step> steps_;
  std::vector<Bound> bound_;
  std::vector<double> theta_, sample_;
  std::vector<std::vector<sim::cplx>> columns_;  // conj of each register, the column copies
  std::unique_ptr<sim::BatchState<T>> rho_, lambda_;
  bool undone_ = true;  // the adjoint has walked rho_ back since the last forward
  // log10 of the product of the channels' inverse amplifications (1 / smallest singular value).
  double log10_amplification_ = 0;
  std::string irreversible_;  // the first channel too strong to invert, if any
};

}  // namespace qmf::noise
