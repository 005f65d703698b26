#pragma once
// A stack of Linear layers with an activation between consecutive layers and none after the
// last: sizes {392, 64, 16} is Linear(392 -> 64), ReLU, Linear(64 -> 16). Layer i is named
// "<name>.<i>", so its blocks are "<name>.<i>.weight" and "<name>.<i>.bias".
//
// forward() keeps every intermediate of the batch for the next backward(); one Mlp therefore
// serves one batch at a time (not re-entrant across threads).
#include <string>
#include <vector>

#include "core/rng.h"
#include "nn/activation.h"
#include "nn/arena.h"
#include "nn/linear.h"
#include "nn/tensor.h"

namespace qmf::nn {

class Mlp {
 public:
  // sizes: at least {in, out}; every entry positive.
  Mlp(ParameterArena& arena, const std::string& name, const std::vector<Index>& sizes,
      Activation act = Activation::relu);

  // Initialises the layers in order (see Linear::init).
  void init(Rng& rng);

  // x: B x in -> B x out. The reference stays valid until the next forward.
  const Matrix& forward(const Matrix& x);
  // dy: B x out, the loss gradient w.r.t. the last forward's output. Adds every layer's
  // parameter gradients to the arena; writes dx (B x in) unless dx is null.
  void backward(const Matrix& dy, Matrix* dx);

  Index in() const { return layers_.front().in(); }
  Index out() const { return layers_.back().out(); }
  Activation activation() const { return act_; }
  const std::vector<Linear>& layers() const { return layers_; }
  size_t parameter_count() const;

 private:
  std::vector<Linear> layers_;
  Activation act_;
  // From the last forward: inputs_[i] feeds layer i (inputs_[0] is x, inputs_[i+1] is the
  // activation of pre_[i]); pre_[i] is layer i's output before the activation; the last pre_
  // is the network's output.
  std::vector<Matrix> inputs_;
  std::vector<Matrix> pre_;
  Matrix grad_a_;  // backward ping-pong buffers: dL/d(layer output), dL/d(layer input)
  Matrix grad_b_;
};

}  // namespace qmf::nn
