#pragma once
// Noisy simulation by quantum trajectories, for circuits past kMaxDensityQubits and as a check
// of the density matrices: each sample runs `trajectories` times as a state vector, every
// channel replaced by one of its operators drawn at random, and its readout is the average over
// those runs. A trajectory is an ordinary circuit whose channels are per-sample choices
// (sim::Circuit::add_choice), so the state-vector kernels run the whole batch of trajectories.
//
// The draw (unravel): operator O_i = K_i / sqrt(q_i) with probability q_i = tr(K_i^dag K_i) / d,
// fixed in advance, so sum_i q_i O_i rho O_i^dag = E(rho) for every rho and the average of the
// runs' (unnormalised) marginals is unbiased. Pauli channels draw their Paulis with their own
// probabilities (phase damping is a phase flip of probability (1 - sqrt(1 - p)) / 2), and every
// run keeps norm 1; amplitude damping's operators are not unitary, so its runs carry weights
// and the marginal is divided by their sum (unbiased as the runs grow, off by O(1/runs) before).
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "noise/noise_model.h"
#include "sim/simulator.h"

namespace qmf::noise {

// The states of one slice of runs take at most this much memory; more runs go in turn.
inline constexpr size_t kTrajectorySliceBytes = size_t{1} << 30;

struct Unravelling {
  std::vector<sim::MatrixC> operators;  // O_i
  std::vector<double> probabilities;    // q_i, summing to 1
};
Unravelling unravel(const Channel& c);

template <typename T>
class TrajectorySimulator {
 public:
  // `seed`: run t of sample r (first_row + b below) draws from its own stream, derived from
  // (seed, r, t), so a result depends neither on the batches nor on the threads. Runs go
  // through the simulator in slices of at most `slice_bytes` of states (one run at least).
  TrajectorySimulator(const sim::Circuit& circuit, const NoiseModel& noise, uint32_t trajectories,
                      uint64_t seed, sim::SimOptions options = {},
                      size_t slice_bytes = kTrajectorySliceBytes);
  ~TrajectorySimulator();

  uint32_t trajectories() const { return trajectories_; }
  // Channel positions in the circuit (per-sample choices of every run).
  size_t channels() const { return cumulative_.size(); }

  // out[b * 2^|qubits| + c] = P(c) on `qubits`, averaged over the runs of sample b; the inputs
  // as for sim::Simulator::forward. With `register_states`, also the reduced density matrix of
  // each register of the input (qubits in input order), averaged over the runs alike:
  // (*register_states)[m][b].
  void run(const sim::ProductInput& input, std::span<const double> theta,
           std::span<const double> sample_angles, std::span<const int> qubits, uint64_t first_row,
           std::span<double> out,
           std::vector<std::vector<sim::MatrixC>>* register_states = nullptr);

 private:
  // What the runs add up per sample: unnormalised marginals and, when asked, register states.
  struct Sums {
    std::vector<double> marginal;
    std::vector<std::vector<sim::MatrixC>> registers;
  };
  void run_slice(const sim::ProductInput& input, std::span<const double> theta,
                 std::span<const double> sample_angles, std::span<const int> qubits,
                 uint64_t first_row, size_t first, size_t end, Sums& sums);
  // Run `run` of sample row `row`: its own per-sample angles, then one choice per channel
  // position, from the run's own stream.
  void draw(uint64_t row, uint32_t run, std::span<const double> own, double* angles) const;

  uint32_t trajectories_;
  uint64_t seed_;
  size_t slice_bytes_;
  size_t own_params_;                            // the circuit's per-sample angles
  std::vector<std::vector<double>> cumulative_;  // per channel position: q_0, q_0 + q_1, ...
  std::shared_ptr<const sim::Program> program_;
  sim::Simulator<T> sim_;
  std::unique_ptr<sim::BatchState<T>> state_;
};

}  // namespace qmf::noise
