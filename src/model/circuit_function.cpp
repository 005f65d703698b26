#include "model/circuit_function.h"

#include <mutex>

#include <fmt/format.h>

#include "core/error.h"
#include "grad/adjoint.h"
#include "model/encoding.h"
#include "model/readout.h"
#include "sim/simulator.h"

namespace qmf::model {
namespace {

// The readout values from a marginal P (B x 2^r), and dL/dP from dL/dvalues.
void readout_values(Readout readout, int classes, const nn::Matrix& marginal, nn::Matrix& values) {
  if (readout == Readout::expval) return z_from_marginal(marginal, values);
  class_probs(marginal, classes, values);
}

void readout_values_backward(Readout readout, int classes, const nn::Matrix& marginal,
                             const nn::Matrix& dvalues, nn::Matrix& dmarginal) {
  if (readout == Readout::probs) return class_probs_backward(marginal, classes, dvalues, dmarginal);
  dmarginal.setZero(marginal.rows(), marginal.cols());
  z_backward(dvalues, dmarginal);
}

template <typename T>
struct Workspace {
  Workspace(std::shared_ptr<const sim::Program> program, int threads)
      : sim(std::move(program), {threads}) {}
  sim::Simulator<T> sim;
  std::unique_ptr<sim::BatchState<T>> state;
  grad::Adjoint<T> adjoint;  // keeps its working state between runs of the same shape
};

template <typename T>
class WorkspacePool {
 public:
  WorkspacePool(std::shared_ptr<const sim::Program> program, int threads)
      : program_(std::move(program)), threads_(threads) {}

  std::unique_ptr<Workspace<T>> take() {
    {
      const std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto w = std::move(free_.back());
        free_.pop_back();
        return w;
      }
    }
    return std::make_unique<Workspace<T>>(program_, threads_);
  }
  // Keeps a few: as many as are pending at once in a usual loop (gradcheck holds several).
  void give(std::unique_ptr<Workspace<T>> w) {
    const std::lock_guard lock(mutex_);
    if (free_.size() < 4) free_.push_back(std::move(w));
  }

 private:
  std::shared_ptr<const sim::Program> program_;
  int threads_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Workspace<T>>> free_;
};

template <typename T>
class Tape final : public CircuitTape {
 public:
  Tape(std::shared_ptr<WorkspacePool<T>> pool, const CircuitFunctionSpec& spec,
       std::vector<int> readout, RegisterStates registers, std::vector<nn::Matrix> features)
      : pool_(std::move(pool)),
        spec_(spec),
        readout_(std::move(readout)),
        registers_(std::move(registers)),
        features_(std::move(features)),
        ws_(pool_->take()) {}
  ~Tape() override {
    if (ws_) pool_->give(std::move(ws_));
  }
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  void run(std::span<const double> theta, std::span<const double> angles, size_t batch,
           nn::Matrix& values) {
    if (!ws_->state || ws_->state->batch() != batch)
      ws_->state = std::make_unique<sim::BatchState<T>>(ws_->sim.make_state(batch));
    ws_->sim.forward(input(), theta, angles, *ws_->state);
    marginal_.resize(static_cast<nn::Index>(batch), nn::Index{1} << readout_.size());
    ws_->sim.marginal(*ws_->state, readout_,
                      {marginal_.data(), static_cast<size_t>(marginal_.size())});
    readout_values(spec_.settings.readout, spec_.classes, marginal_, values);
  }

  const grad::Gradients& vjp(const nn::Matrix& dvalues) override {
    if (!ws_) throw UsageError("vjp: this tape was already differentiated (once per forward)");
    const nn::Index want = spec_.settings.readout == Readout::probs
                               ? spec_.classes
                               : static_cast<nn::Index>(readout_.size());
    if (dvalues.rows() != marginal_.rows() || dvalues.cols() != want)
      throw UsageError(fmt::format("vjp: the gradient is {} x {}, the forward gave {} x {}",
                                   dvalues.rows(), dvalues.cols(), marginal_.rows(), want));
    nn::Matrix dmarginal;
    readout_values_backward(spec_.settings.readout, spec_.classes, marginal_, dvalues, dmarginal);
    ws_->adjoint.run(ws_->sim, *ws_->state, input(), readout_,
                     {dmarginal.data(), static_cast<size_t>(dmarginal.size())}, grads_);
    pool_->give(std::move(ws_));
    if (!features_.empty()) feature_backward();
    return grads_;
  }

  const std::vector<nn::Matrix>& feature_gradients() const override { return dfeatures_; }

 private:
  sim::ProductInput input() const { return product_input(spec_.settings.k, registers_); }

  void feature_backward() {
    const std::vector<int>& k = spec_.settings.k;
    const std::vector<int> starts = register_starts(k);
    const size_t n = grads_.sample.size() / static_cast<size_t>(marginal_.rows());
    dfeatures_.resize(features_.size());
    for (size_t m = 0; m < features_.size(); ++m) {
      if (spec_.settings.encoding != Encoding::angle) {
        encode_backward(spec_.settings.encoding, features_[m], registers_[m], grads_.registers[m],
                        dfeatures_[m]);
        continue;
      }
      dfeatures_[m].resize(features_[m].rows(), k[m]);
      for (nn::Index b = 0; b < dfeatures_[m].rows(); ++b)
        for (int j = 0; j < k[m]; ++j)
          dfeatures_[m](b, j) = grads_.sample[static_cast<size_t>(b) * n + starts[m] + j];
    }
  }

  std::shared_ptr<WorkspacePool<T>> pool_;
  CircuitFunctionSpec spec_;
  std::vector<int> readout_;
  RegisterStates registers_;
  std::vector<nn::Matrix> features_, dfeatures_;
  std::unique_ptr<Workspace<T>> ws_;  // null once differentiated
  nn::Matrix marginal_;
  grad::Gradients grads_;
};

template <typename T>
std::unique_ptr<CircuitTape> run_tape(const std::shared_ptr<void>& pool,
                                      const CircuitFunctionSpec& spec, const QmfCircuit& circuit,
                                      RegisterStates registers, std::vector<nn::Matrix> features,
                                      std::span<const double> angles, std::span<const double> theta,
                                      size_t batch, nn::Matrix& values) {
  auto tape = std::make_unique<Tape<T>>(std::static_pointer_cast<WorkspacePool<T>>(pool), spec,
                                        circuit.readout, std::move(registers), std::move(features));
  tape->run(theta, angles, batch, values);
  return tape;
}

// Registers of |0...0>, where the angle encoding starts.
RegisterStates zero_registers(const std::vector<int>& k, size_t batch) {
  RegisterStates registers(k.size());
  for (size_t m = 0; m < k.size(); ++m) {
    registers[m].assign(batch << k[m], 0.0);
    for (size_t b = 0; b < batch; ++b) registers[m][b << k[m]] = 1.0;
  }
  return registers;
}

}  // namespace

CircuitFunction::CircuitFunction(CircuitFunctionSpec spec)
    : spec_(std::move(spec)),
      circuit_(build_qmf_circuit(spec_.settings, spec_.classes)),
      program_(std::make_shared<const sim::Program>(circuit_.circuit)) {
  if (spec_.settings.fusion != Fusion::entangle)
    throw UsageError("the circuit function is the entangling fusion's circuit (fusion = entangle)");
  if (spec_.precision == Precision::f32)
    pool_ = std::make_shared<WorkspacePool<float>>(program_, spec_.threads);
  else
    pool_ = std::make_shared<WorkspacePool<double>>(program_, spec_.threads);
}

int CircuitFunction::outputs() const {
  return spec_.settings.readout == Readout::probs ? spec_.classes
                                                  : static_cast<int>(circuit_.readout.size());
}

int CircuitFunction::feature_width(size_t m) const {
  const int k = spec_.settings.k.at(m);
  return spec_.settings.encoding == Encoding::angle ? k : 1 << k;
}

std::unique_ptr<CircuitTape> CircuitFunction::forward(RegisterStates registers,
                                                      std::vector<double> angles,
                                                      std::span<const double> theta,
                                                      nn::Matrix& values) const {
  const std::vector<int>& k = spec_.settings.k;
  const size_t n = static_cast<size_t>(circuit_.circuit.qubits());
  size_t batch = 0;
  if (spec_.settings.encoding == Encoding::angle) {
    if (angles.empty() || angles.size() % n != 0)
      throw UsageError(fmt::format("angles: {} values are not rows of {}", angles.size(), n));
    batch = angles.size() / n;
    registers = zero_registers(k, batch);
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
  return run(std::move(registers), {}, angles, theta, batch, values);
}

std::unique_ptr<CircuitTape> CircuitFunction::forward_features(std::vector<nn::Matrix> features,
                                                               std::span<const double> theta,
                                                               nn::Matrix& values) const {
  const std::vector<int>& k = spec_.settings.k;
  if (features.size() != k.size())
    throw UsageError(
        fmt::format("features: {} given, the circuit has {} registers", features.size(), k.size()));
  const size_t batch = static_cast<size_t>(features[0].rows());
  for (size_t m = 0; m < k.size(); ++m)
    if (batch == 0 || static_cast<size_t>(features[m].rows()) != batch ||
        features[m].cols() != feature_width(m))
      throw UsageError(fmt::format("features[{}]: {} x {}, expected {} x {}", m, features[m].rows(),
                                   features[m].cols(), batch, feature_width(m)));
  RegisterStates registers;
  std::vector<double> angles;
  if (spec_.settings.encoding == Encoding::angle) {
    const size_t n = static_cast<size_t>(circuit_.circuit.qubits());
    const std::vector<int> starts = register_starts(k);
    angles.resize(batch * n);
    for (size_t m = 0; m < k.size(); ++m)
      for (size_t b = 0; b < batch; ++b)
        for (int j = 0; j < k[m]; ++j)
          angles[b * n + starts[m] + j] = features[m](static_cast<nn::Index>(b), j);
    registers = zero_registers(k, batch);
  } else {
    registers.resize(k.size());
    for (size_t m = 0; m < k.size(); ++m)
      encode(spec_.settings.encoding, features[m], registers[m]);
  }
  return run(std::move(registers), std::move(features), angles, theta, batch, values);
}

std::unique_ptr<CircuitTape> CircuitFunction::run(RegisterStates registers,
                                                  std::vector<nn::Matrix> features,
                                                  std::span<const double> angles,
                                                  std::span<const double> theta, size_t batch,
                                                  nn::Matrix& values) const {
  if (theta.size() != params())
    throw UsageError(
        fmt::format("theta: {} angles given, the circuit has {}", theta.size(), params()));
  if (spec_.precision == Precision::f32)
    return run_tape<float>(pool_, spec_, circuit_, std::move(registers), std::move(features),
                           angles, theta, batch, values);
  return run_tape<double>(pool_, spec_, circuit_, std::move(registers), std::move(features), angles,
                          theta, batch, values);
}

}  // namespace qmf::model
