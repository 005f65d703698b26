#include "model/circuit_function.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.h"
#include "grad/adjoint.h"
#include "model/readout.h"
#include "sim/simulator.h"

namespace qmf::model {
namespace {

template <typename T>
class Tape final : public CircuitTape {
 public:
  Tape(const std::shared_ptr<const sim::Program>& program, const CircuitFunctionSpec& spec,
       std::vector<int> readout, std::vector<int> register_qubits, RegisterStates registers)
      : spec_(spec),
        readout_(std::move(readout)),
        register_qubits_(std::move(register_qubits)),
        registers_(std::move(registers)),
        sim_(program, {spec.threads}) {}

  void run(std::span<const double> theta, std::span<const double> angles, size_t batch,
           nn::Matrix& values) {
    state_ = std::make_unique<sim::BatchState<T>>(sim_.make_state(batch));
    sim_.forward(product_input(register_qubits_, registers_), theta, angles, *state_);
    marginal_.resize(static_cast<nn::Index>(batch), nn::Index{1} << readout_.size());
    sim_.marginal(*state_, readout_, {marginal_.data(), static_cast<size_t>(marginal_.size())});
    readout_values(spec_.settings.readout, spec_.classes, marginal_, values);
  }

  const grad::Gradients& vjp(const nn::Matrix& dvalues) override {
    if (!state_) throw UsageError("vjp: this tape was already differentiated (once per forward)");
    const nn::Index want = spec_.settings.readout == Readout::probs
                               ? spec_.classes
                               : static_cast<nn::Index>(readout_.size());
    if (dvalues.rows() != marginal_.rows() || dvalues.cols() != want)
      throw UsageError(fmt::format("vjp: the gradient is {} x {}, the forward gave {} x {}",
                                   dvalues.rows(), dvalues.cols(), marginal_.rows(), want));
    nn::Matrix dmarginal;
    readout_values_backward(spec_.settings.readout, spec_.classes, marginal_, dvalues, dmarginal);
    grad::adjoint(sim_, *state_, product_input(register_qubits_, registers_), readout_,
                  {dmarginal.data(), static_cast<size_t>(dmarginal.size())}, grads_);
    state_.reset();
    return grads_;
  }

 private:
  CircuitFunctionSpec spec_;
  std::vector<int> readout_, register_qubits_;
  RegisterStates registers_;
  sim::Simulator<T> sim_;
  std::unique_ptr<sim::BatchState<T>> state_;
  nn::Matrix marginal_;
  grad::Gradients grads_;
};

template <typename T>
std::unique_ptr<CircuitTape> run_tape(const std::shared_ptr<const sim::Program>& program,
                                      const CircuitFunctionSpec& spec, const QmfCircuit& circuit,
                                      RegisterStates registers, std::span<const double> angles,
                                      std::span<const double> theta, size_t batch,
                                      nn::Matrix& values) {
  auto tape = std::make_unique<Tape<T>>(program, spec, circuit.readout, spec.settings.k,
                                        std::move(registers));
  tape->run(theta, angles, batch, values);
  return tape;
}

}  // namespace

CircuitFunction::CircuitFunction(CircuitFunctionSpec spec)
    : spec_(std::move(spec)),
      circuit_(build_qmf_circuit(spec_.settings, spec_.classes)),
      program_(std::make_shared<const sim::Program>(circuit_.circuit)) {
  if (spec_.settings.fusion != Fusion::entangle)
    throw UsageError("the circuit function is the entangling fusion's circuit (fusion = entangle)");
}

int CircuitFunction::outputs() const {
  return spec_.settings.readout == Readout::probs ? spec_.classes
                                                  : static_cast<int>(circuit_.readout.size());
}

std::unique_ptr<CircuitTape> CircuitFunction::forward(RegisterStates registers,
                                                      std::vector<double> angles,
                                                      std::span<const double> theta,
                                                      nn::Matrix& values) const {
  const std::vector<int>& k = spec_.settings.k;
  const size_t n = static_cast<size_t>(circuit_.circuit.qubits());
  const bool angle = spec_.settings.encoding == Encoding::angle;
  if (theta.size() != params())
    throw UsageError(
        fmt::format("theta: {} angles given, the circuit has {}", theta.size(), params()));
  size_t batch = 0;
  if (angle) {
    if (angles.empty() || angles.size() % n != 0)
      throw UsageError(fmt::format("angles: {} values are not rows of {}", angles.size(), n));
    batch = angles.size() / n;
    registers.assign(k.size(), {});
    for (size_t m = 0; m < k.size(); ++m) {
      registers[m].assign(batch << k[m], 0.0);
      for (size_t b = 0; b < batch; ++b) registers[m][b << k[m]] = 1.0;
    }
  } else {
    if (registers.size() != k.size())
      throw UsageError(
          fmt::format("registers: {} given, the circuit has {}", registers.size(), k.size()));
    batch = registers[0].size() >> k[0];
    for (size_t m = 0; m < k.size(); ++m)
      if (batch == 0 || registers[m].size() != batch << k[m])
        throw UsageError(fmt::format("registers[{}]: {} amplitudes are not {} rows of {}", m,
                                     registers[m].size(), batch, size_t{1} << k[m]));
    angles.clear();
  }
  if (spec_.precision == Precision::f32)
    return run_tape<float>(program_, spec_, circuit_, std::move(registers), angles, theta, batch,
                           values);
  return run_tape<double>(program_, spec_, circuit_, std::move(registers), angles, theta, batch,
                          values);
}

void readout_values(Readout readout, int classes, const nn::Matrix& marginal, nn::Matrix& values) {
  if (readout == Readout::expval) return z_from_marginal(marginal, values);
  values.resize(marginal.rows(), classes);
  for (nn::Index b = 0; b < marginal.rows(); ++b) {
    const double s = std::max(marginal.row(b).head(classes).sum(), 1e-300);
    values.row(b) = marginal.row(b).head(classes) / s;
  }
}

void readout_values_backward(Readout readout, int classes, const nn::Matrix& marginal,
                             const nn::Matrix& dvalues, nn::Matrix& dmarginal) {
  dmarginal.setZero(marginal.rows(), marginal.cols());
  if (readout == Readout::expval) return z_backward(dvalues, dmarginal);
  // p_c = P_c / s with s = sum_{c<C} P_c: dL/dP_c = (dL/dp_c - sum_c' dL/dp_c' p_c') / s.
  for (nn::Index b = 0; b < marginal.rows(); ++b) {
    const double s = std::max(marginal.row(b).head(classes).sum(), 1e-300);
    double dot = 0;
    for (int c = 0; c < classes; ++c) dot += dvalues(b, c) * marginal(b, c) / s;
    for (int c = 0; c < classes; ++c) dmarginal(b, c) = (dvalues(b, c) - dot) / s;
  }
}

}  // namespace qmf::model
