#pragma once
// The skeleton both quantum fusions share (qmfnn with the entangling fusion, and the evidential
// fusion): per-modality FFNs encode a batch into registers, one circuit runs on their product
// state, and the marginal on the readout qubits comes out. backward() sweeps the adjoint from
// dLoss/d(marginal) back through the encoding into the FFNs. What differs between the fusions
// (the circuit, the readout, trained angles or none) stays in the models.
#include <complex>
#include <memory>
#include <span>
#include <vector>

#include "core/options.h"
#include "core/rng.h"
#include "grad/adjoint.h"
#include "nn/mlp.h"
#include "nn/tensor.h"
#include "noise/density.h"
#include "noise/noise_model.h"
#include "noise/shot_gradient.h"
#include "noise/trajectories.h"
#include "sim/simulator.h"

namespace qmf::model {

// Per register: B rows of 2^k real amplitudes.
using RegisterStates = std::vector<std::vector<std::complex<double>>>;

// The product input the simulator starts from: register m of qubits[m] qubits in states[m].
sim::ProductInput product_input(const std::vector<int>& qubits, const RegisterStates& states);

struct QuantumHeadLayout {
  Encoding encoding = Encoding::amplitude;
  std::vector<int> k;      // qubits per modality register, in circuit order from qubit 0
  int ancilla_qubits = 0;  // a last register, after the modalities', that starts in |0...0>
  std::vector<int> readout;
  int threads = 0;
  // A device's imperfections (docs/NOISE.md): with channels the circuit runs on density
  // matrices; readout error acts on the marginal. The default is the exact, noiseless path.
  noise::NoiseModel noise;
  // Estimate the marginal from this many shots (0: exact), the b-th sample since the last
  // place_draws(s) drawing from stream mix_seed(shot_seed, s + b). Training then takes its
  // gradients from shots too (noise/shot_gradient.h).
  uint64_t shots = 0;
  uint64_t shot_seed = 0;
  // With channels: run each sample as this many trajectories (evaluation only), seeded by
  // shot_seed; 0: density matrices.
  uint32_t trajectories = 0;
};

template <typename T>
class QuantumHead {
 public:
  // ffns[m] maps modality m to register m: 2^k[m] outputs, or k[m] RY angles (angle encoding,
  // whose RY gates are the circuit's leading per-sample gates).
  QuantumHead(std::vector<std::unique_ptr<nn::Mlp>> ffns, QuantumHeadLayout layout,
              const sim::Circuit& circuit);

  void init(Rng& rng);  // the FFNs, in modality order

  // The FFN outputs h_m and the register states for inputs x, kept for backward().
  void encode(const std::vector<nn::Matrix>& x);
  // encode(x), then the circuit with shared angles theta: the marginal P (B x 2^r).
  // `for_backward`: backward() follows, so the circuit keeps what the adjoint reads.
  const nn::Matrix& forward(const std::vector<nn::Matrix>& x, std::span<const double> theta,
                            bool for_backward = false);
  // From dLoss/dP of the last forward: adds the FFNs' gradients into their arena and returns
  // dLoss/dtheta for the circuit's shared angles. By the adjoint sweep, or with shots by the
  // parameter-shift rule on shot estimates. Writes dLoss/dx_m to dx[m] where dx has a non-null
  // entry (a front end before the FFN wants it).
  std::span<const double> backward(const nn::Matrix& dmarginal,
                                   const std::vector<nn::Matrix*>& dx = {});

  // The next sample to go through forward() draws its shots and trajectories from stream
  // `first_stream`, the one after it from first_stream + 1, and so on (the start is 0).
  void place_draws(uint64_t first_stream) { next_stream_ = first_stream; }

  const std::vector<nn::Matrix>& features() const { return h_; }
  // The modality registers' states (and the ancillas', if any), from the last encode().
  const RegisterStates& registers() const { return registers_; }
  const std::shared_ptr<const sim::Program>& program() const { return program_; }
  const QuantumHeadLayout& layout() const { return layout_; }
  // The registers a device prepares from |0...0> by RY trees (sim/real_state_tree.h), whose
  // gates training on shots shifts: the modality registers under the amplitude and belief
  // encodings, none under the angle encoding (its RY gates are the circuit's own).
  std::vector<int> prepared_qubits() const {
    return layout_.encoding == Encoding::angle ? std::vector<int>{} : layout_.k;
  }
  size_t modalities() const { return ffns_.size(); }

 private:
  std::vector<std::unique_ptr<nn::Mlp>> ffns_;
  QuantumHeadLayout layout_;
  std::vector<int> register_qubits_;  // k, then the ancilla register if there is one
  std::shared_ptr<const sim::Program> program_;
  sim::Simulator<T> sim_;
  // When the noise model has channels: one of the two.
  std::unique_ptr<noise::DensitySimulator<T>> density_;
  std::unique_ptr<noise::TrajectorySimulator<T>> trajectories_;
  uint64_t next_stream_ = 0;  // the next sample's shot and trajectory streams
  // Training with shots: the gradient's estimator (made at the first backward), and the last
  // training forward's angles and first stream.
  std::unique_ptr<noise::ShotGradient<T>> shot_gradient_;
  std::vector<double> theta_;
  uint64_t trained_from_ = 0;
  // Per-batch workspaces, reused across batches.
  std::unique_ptr<sim::BatchState<T>> state_;
  std::vector<nn::Matrix> h_;
  RegisterStates registers_;
  std::vector<double> angles_;  // per-sample RY angles of the angle encoding, else empty
  nn::Matrix marginal_, dh_, dmarginal_;
  grad::Adjoint<T> adjoint_;
  grad::Gradients grads_;
};

}  // namespace qmf::model
