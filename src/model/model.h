#pragma once
// What the trainer needs from any model: a parameter arena, initialisation from the seed, and a
// forward pass that can add gradients. Classical baselines implement the same interface.
#include <span>
#include <string>
#include <vector>

#include "core/rng.h"
#include "nn/arena.h"
#include "nn/tensor.h"

namespace qmf::model {

class Model {
 public:
  virtual ~Model() = default;

  nn::ParameterArena& arena() { return arena_; }
  const nn::ParameterArena& arena() const { return arena_; }

  virtual void init(Rng& rng) = 0;
  // x: one (B x D_m) matrix per modality; y: B labels in [0, C). Writes the class
  // probabilities (B x C) and returns the batch-mean loss. With `train`, adds dLoss/dparams
  // into arena().grads() (the caller zeroes them).
  virtual double run(const std::vector<nn::Matrix>& x, std::span<const int> y, bool train,
                     nn::Matrix& probs) = 0;
  virtual std::string kind() const = 0;
  virtual int qubits() const { return 0; }
  // A few lines on the model's structure for the run summary and listings.
  virtual std::string describe() const = 0;

 protected:
  nn::ParameterArena arena_;
};

}  // namespace qmf::model
