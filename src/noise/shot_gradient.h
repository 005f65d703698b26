#pragma once
// Gradients the way a device measures them. Each derivative is a parameter-shift difference of
// circuits run with one gate's angle moved, and each circuit's marginal is estimated from its own
// shots, after readout error, as the loss saw it. Nothing else is read from the simulated state,
// so the gradient carries the shot noise that hardware training carries. The price: two circuits
// per angle occurrence (four for controlled rotations), where the adjoint costs about three
// forwards in all.
//
// What is shifted:
//  - every occurrence of a shared angle (a shared parameter's derivative sums its gates');
//  - every occurrence of a per-sample angle (the angle encoding's RY gates);
//  - the RY gates that prepare each amplitude- or belief-encoded register from |0...0>. These are
//    the tree of sim/real_state_tree.h, decomposed as `qmf export` writes it: at level j, one RY
//    per Gray code g, whose angle beta_g turns every tree angle theta_p of the level by
//    (-1)^popcount(p & g). The derivatives dL/dbeta go back to dL/dtheta_p =
//    2^-j sum_g (-1)^popcount(p & g) dL/dbeta_g, and from there to the amplitudes.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "grad/gradients.h"
#include "noise/density.h"
#include "noise/noise_model.h"
#include "sim/circuit.h"
#include "sim/simulator.h"

namespace qmf::noise {

// How many circuits one gradient estimates: two per angle slot of `circuit` (four for the
// controlled rotations), and 2 (2^k - 1) per prepared register of k qubits. The adjoint sweep
// costs about three.
size_t shot_gradient_circuits(const sim::Circuit& circuit, std::span<const int> prepared_qubits);

template <typename T>
class ShotGradient {
 public:
  // The circuit runs on state vectors, or on density matrices when `noise` has channels; shots =
  // 0 estimates nothing and uses the exact marginals (the parameter-shift rule itself).
  ShotGradient(const sim::Circuit& circuit, const NoiseModel& noise, std::vector<int> readout,
               uint64_t shots, uint64_t seed, int threads);
  ~ShotGradient();

  // The gradient of L = sum_b sum_c dmarginal[b][c] P_b(c), where P_b is sample b's marginal on
  // the readout qubits as a device reads it. The first `prepared` registers of `input` are real
  // states prepared by RY trees: out.registers[m] gets dL/d(amplitudes) for them (empty for the
  // rest). Estimate e of sample b draws its shots from stream mix_seed(mix_seed(seed, e + 1),
  // first_stream + b), so the estimates are independent of each other, of the forward's draws
  // (stream mix_seed(seed, first_stream + b)), and of how a batch is cut.
  void run(const sim::ProductInput& input, size_t prepared, std::span<const double> theta,
           std::span<const double> sample_angles, std::span<const double> dmarginal,
           uint64_t first_stream, grad::Gradients& out);

 private:
  // A gate's angle slot in the circuit where every slot has its own parameter.
  struct Slot {
    sim::Angle original;
    bool four_term;
  };
  struct Batch;

  void shift_slots(const Batch& b, grad::Gradients& out);
  void shift_register(const Batch& b, size_t m, grad::Gradients& out);
  // Per-sample sum_c dmarginal[b][c] P_b(c) of the circuit at these angles and register states.
  std::vector<double> estimate(const Batch& b, const sim::ProductInput& input,
                               std::span<const double> theta, std::span<const double> sample);

  size_t original_sample_params_;
  std::vector<Slot> shared_, sample_;
  std::vector<int> readout_;
  ReadoutError readout_error_;
  uint64_t shots_, seed_;
  int threads_;
  std::shared_ptr<const sim::Program> program_;
  sim::Simulator<T> sim_;
  std::unique_ptr<DensitySimulator<T>> density_;
  std::unique_ptr<sim::BatchState<T>> state_;
  uint64_t estimates_ = 0;  // estimates of the current run(), numbering their streams
  std::vector<double> marginal_;
};

}  // namespace qmf::noise
