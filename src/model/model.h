#pragma once
// What the trainer needs from any model: a parameter arena, initialisation from the seed, and a
// forward pass followed, when training, by a backward pass (after llm.c). Classical baselines
// implement the same interface.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "nn/arena.h"
#include "nn/tensor.h"

namespace qmf::model {

class QmfnnProbe;

enum class Pass { evaluate, train };

class Model {
 public:
  virtual ~Model() = default;

  nn::ParameterArena& arena() { return arena_; }
  const nn::ParameterArena& arena() const { return arena_; }

  virtual void init(Rng& rng) = 0;

  // x: one (B x D_m) matrix per modality; y: B labels in [0, C). Writes the class
  // probabilities (B x C) and returns the batch-mean loss. Keeps what backward() needs; never
  // touches the gradients, so evaluation may run between training steps. Pass::train says a
  // backward() follows: the quantum models then keep the circuit's block inputs for the adjoint
  // (sim::Simulator::forward), which makes the step cheaper and an evaluation dearer.
  double forward(const std::vector<nn::Matrix>& x, std::span<const int> y, nn::Matrix& probs,
                 Pass pass = Pass::evaluate) {
    pass_ = pass;
    const double loss = run_forward(x, y, probs);
    backward_pending_ = true;
    return loss;
  }

  // The gradient rule, in this one place: backward() OVERWRITES arena().grads() with
  // dLoss/dparams of the last forward() (it zeroes them, then the model adds its layers'
  // gradients), so nobody zeroes gradients by hand. At most one backward() per forward(): the
  // quantum models' adjoint sweep consumes the state the forward left, so a second call is a
  // QMF_CHECK error rather than wrong gradients.
  void backward() {
    QMF_CHECK(backward_pending_, "backward() needs a forward() before it, one per forward()");
    backward_pending_ = false;
    arena_.zero_grad();
    add_gradients();
  }

  // Where the next forward()'s random draws (shots, trajectories) start: its sample b draws from
  // stream first_stream + b. The trainer places every step's and every evaluation batch's draws,
  // so a resumed run draws what the uninterrupted one drew; models that draw nothing ignore it.
  virtual void place_draws(uint64_t first_stream) { (void)first_stream; }

  // The QMFNN's window for `qmf explain` and `qmf export`; nullptr for every other model.
  virtual QmfnnProbe* probe() { return nullptr; }

  virtual std::string kind() const = 0;
  virtual int qubits() const { return 0; }
  // A few lines on the model's structure for the run summary and listings.
  virtual std::string describe() const = 0;

 protected:
  // The pass of the forward() running now.
  Pass pass() const { return pass_; }

  nn::ParameterArena arena_;

 private:
  // forward() without the bookkeeping.
  virtual double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                             nn::Matrix& probs) = 0;
  // Adds dLoss/dparams of the last forward() into arena().grads(), which backward() has zeroed.
  virtual void add_gradients() = 0;

  bool backward_pending_ = false;
  Pass pass_ = Pass::evaluate;
};

}  // namespace qmf::model
