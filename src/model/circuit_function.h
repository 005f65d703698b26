#pragma once
// The QMFNN's circuit as a differentiable function of its inputs, for callers that bring their
// own encoders (the Python module's torch layer): register amplitudes (or the angle encoding's
// per-sample RY angles), or the modalities' features encoded as the QMFNN encodes them, and the
// shared angles in; readout values out; and the vector-Jacobian product back by the engine's
// batched adjoint (grad/adjoint.h).
//
// Readout values: for the probs readout the class probabilities p_c = P(c) / sum_{c'<C} P(c')
// (B x C); for expval the <Z_j> of the readout qubits (B x r), before any linear head.
//
// Each forward returns a tape, so any number of forwards may be pending and each is
// differentiated once, at the angles it ran with. A tape runs in a workspace (simulator, state,
// adjoint buffers) that goes back to its function once the tape is differentiated or dropped,
// so a training loop reuses the same memory step after step.
#include <memory>
#include <span>
#include <vector>

#include "core/options.h"
#include "grad/gradients.h"
#include "model/qmf_circuit.h"
#include "model/qmfnn_settings.h"
#include "model/quantum_head.h"
#include "nn/tensor.h"

namespace qmf::model {

struct CircuitFunctionSpec {
  QmfnnSettings settings;  // k, encoding, fusion and QCNN options, readout
  int classes = 10;
  Precision precision = Precision::f64;
  int threads = 0;
};

class CircuitTape {
 public:
  virtual ~CircuitTape() = default;
  // From dL/dvalues (B x outputs): dL/dtheta summed over the batch, dL/d(register amplitudes)
  // (complex, dL = Re(sum conj(g) dpsi): for real amplitudes the gradient is the real part) and,
  // for the angle encoding, dL/d(angles) in `sample` (B x n). Once per tape: the sweep consumes
  // the state.
  virtual const grad::Gradients& vjp(const nn::Matrix& dvalues) = 0;
  // After vjp() of a tape from forward_features(): dL/dh, one matrix per modality.
  virtual const std::vector<nn::Matrix>& feature_gradients() const = 0;
};

class CircuitFunction {
 public:
  explicit CircuitFunction(CircuitFunctionSpec spec);

  const CircuitFunctionSpec& spec() const { return spec_; }
  const QmfCircuit& circuit() const { return circuit_; }
  int outputs() const;  // C (probs) or r (expval)
  size_t params() const { return circuit_.circuit.shared_params(); }
  // The width of modality m's features: 2^k_m, or k_m RY angles for the angle encoding.
  int feature_width(size_t m) const;

  // registers: one entry per register, B rows of 2^k_m amplitudes (for the angle encoding,
  // ignored: the registers start in |0...0>); angles: B rows of n RY angles for the angle
  // encoding, else empty. Checks every size; throws UsageError naming what is wrong.
  std::unique_ptr<CircuitTape> forward(RegisterStates registers, std::vector<double> angles,
                                       std::span<const double> theta, nn::Matrix& values) const;
  // The same from the modalities' features h_m (B x feature_width(m)), encoded as the QMFNN
  // encodes them (model/encoding.h; the angle encoding's features are the RY angles).
  std::unique_ptr<CircuitTape> forward_features(std::vector<nn::Matrix> features,
                                                std::span<const double> theta,
                                                nn::Matrix& values) const;

 private:
  // Checks theta, then runs the tape of this function's precision.
  std::unique_ptr<CircuitTape> run(RegisterStates registers, std::vector<nn::Matrix> features,
                                   std::span<const double> angles, std::span<const double> theta,
                                   size_t batch, nn::Matrix& values) const;

  CircuitFunctionSpec spec_;
  QmfCircuit circuit_;
  std::shared_ptr<const sim::Program> program_;
  std::shared_ptr<void> pool_;  // the workspaces of this precision (circuit_function.cpp)
};

}  // namespace qmf::model
