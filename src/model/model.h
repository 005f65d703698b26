#pragma once
// What the trainer needs from any model: a parameter arena, initialisation from the seed, and a
// forward pass followed, when training, by a backward pass (after llm.c). Classical baselines
// implement the same interface.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_shape.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "nn/arena.h"
#include "nn/conv_stack.h"
#include "nn/tensor.h"

namespace qmf::model {

class QmfnnProbe;

enum class Pass { evaluate, train };

class Model {
 public:
  virtual ~Model() = default;

  nn::ParameterArena& arena() { return arena_; }
  const nn::ParameterArena& arena() const { return arena_; }

  // Draws the initial parameters: the front ends', then the model's own layers'.
  void init(Rng& rng);

  // Puts a convolutional front end before each modality, for every model kind alike: modality m
  // (images of shapes[m]) passes through its stack "cnn<m+1>" and the model's own layers see
  // the stack's features, so the model must have been built for those widths
  // (front_end_widths). Called once, right after construction, before anything reads the arena.
  void add_front_ends(const nn::ConvSpec& spec, const std::vector<ImageShape>& shapes, int threads);

  // x: one (B x D_m) matrix per modality; y: B labels in [0, C). Writes the class
  // probabilities (B x C) and returns the batch-mean loss. Keeps what backward() needs; never
  // touches the gradients, so evaluation may run between training steps. Pass::train says a
  // backward() follows: the quantum models then keep the circuit's block inputs for the adjoint
  // (sim::Simulator::forward), which makes the step cheaper and an evaluation dearer.
  double forward(const std::vector<nn::Matrix>& x, std::span<const int> y, nn::Matrix& probs,
                 Pass pass = Pass::evaluate) {
    pass_ = pass;
    const double loss = run_forward(through_front_ends(x, pass), y, probs);
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
    front_ends_backward();
  }

  // Where the next forward()'s random draws (shots, trajectories) start: its sample b draws from
  // stream first_stream + b. The trainer places every step's and every evaluation batch's draws,
  // so a resumed run draws what the uninterrupted one drew; models that draw nothing ignore it.
  void place_draws(uint64_t first_stream) {
    first_stream_ = first_stream;
    place_model_draws(first_stream);
  }

  // The QMFNN's window for `qmf explain` and `qmf export`; nullptr for every other model.
  virtual QmfnnProbe* probe() { return nullptr; }

  virtual std::string kind() const = 0;
  virtual int qubits() const { return 0; }
  // A few lines on the model's structure for the run summary and listings: its front ends,
  // when it has them, then its own layers.
  std::string describe() const;

 protected:
  // The pass of the forward() running now.
  Pass pass() const { return pass_; }

  // The inputs as the model's own layers see them: x itself, or the front ends' features of x
  // (kept for backward(); dropout only when the pass trains). The QMFNN's probe calls it too.
  const std::vector<nn::Matrix>& through_front_ends(const std::vector<nn::Matrix>& x, Pass pass);

  // Where add_gradients() writes dLoss/d(input m) of its own layers: the front end's gradient
  // when modality m has one, else nullptr (nothing before the model wants it).
  nn::Matrix* input_grad(size_t m) { return front_ends_.empty() ? nullptr : &front_grads_.at(m); }
  // input_grad(m) for every modality m.
  std::vector<nn::Matrix*> input_grads() {
    std::vector<nn::Matrix*> out(features_.size());
    for (size_t m = 0; m < out.size(); ++m) out[m] = input_grad(m);
    return out;
  }

  nn::ParameterArena arena_;

 private:
  virtual void init_layers(Rng& rng) = 0;
  virtual void place_model_draws(uint64_t first_stream) { (void)first_stream; }
  virtual std::string describe_layers() const = 0;
  void front_ends_backward();

  // forward() without the bookkeeping.
  virtual double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                             nn::Matrix& probs) = 0;
  // Adds dLoss/dparams of the last forward() into arena().grads(), which backward() has zeroed.
  virtual void add_gradients() = 0;

  bool backward_pending_ = false;
  Pass pass_ = Pass::evaluate;
  uint64_t first_stream_ = 0;  // the front ends' dropout draws from it, as the circuit's shots
  std::vector<std::unique_ptr<nn::ConvStack>> front_ends_;
  // The modalities' stacks run side by side: their parameters are disjoint, so their gradients
  // never meet, and each stack's own chunks then run on the threads left over.
  ParallelFor across_front_ends_{1};
  std::vector<nn::Matrix> features_;     // the front ends' outputs of the last forward
  std::vector<nn::Matrix> front_grads_;  // dLoss/d(features_), written by add_gradients()
};

// The widths the model's own layers see when each modality of these shapes passes through a
// front end of `spec` (UsageError naming modality and key when an image is too small for it).
std::vector<size_t> front_end_widths(const nn::ConvSpec& spec,
                                     const std::vector<ImageShape>& shapes,
                                     const std::vector<std::string>& modality_names);

}  // namespace qmf::model
