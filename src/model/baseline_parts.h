#pragma once
// Pieces the classical baselines share (internal to src/model).
#include <span>
#include <string>
#include <vector>

#include "core/rng.h"
#include "model/baselines.h"
#include "nn/arena.h"
#include "nn/linear.h"
#include "nn/tensor.h"

namespace qmf::model {

// The spec, after checking it makes a model (modalities, classes, sizes); UsageError naming
// the config key otherwise.
const BaselineSpec& checked(const BaselineSpec& spec);

size_t total(const std::vector<size_t>& dims);

// Layer sizes {in, hidden..., out} for nn::Mlp.
std::vector<nn::Index> mlp_sizes(size_t in, const std::vector<int>& hidden, int out);

// Softmax cross-entropy on the logits: writes probs = softmax(logits) and dlogits =
// dLoss/dlogits (the loss computes it anyway; the model's backward starts from it); returns the
// batch-mean loss.
double classify(const nn::Matrix& logits, std::span<const int> y, nn::Matrix& probs,
                nn::Matrix& dlogits);

// Modality inputs side by side: B x sum D_m.
nn::Matrix concat_columns(const std::vector<nn::Matrix>& x);

// Per modality a_m = [ReLU(Linear(x_m -> f)); 1] (B x (f+1)), the tfn / lmf input factors.
// Layers are named "embed<m>" (1-based).
class Embeddings {
 public:
  Embeddings(nn::ParameterArena& arena, const std::vector<size_t>& dims, int fusion_dim);
  void init(Rng& rng);
  // Returns a_1..a_M; kept until the next forward for backward.
  const std::vector<nn::Matrix>& forward(const std::vector<nn::Matrix>& x);
  // What the last forward returned.
  const std::vector<nn::Matrix>& outputs() const { return a_; }
  // da: dLoss/da_m for each m (the constant column's entry is ignored). Writes dLoss/dx_m to
  // dx[m] where that is not null.
  void backward(const std::vector<nn::Matrix>& da, const std::vector<nn::Matrix*>& dx);
  size_t modalities() const { return layers_.size(); }
  int width() const { return fusion_dim_; }

 private:
  int fusion_dim_;
  std::vector<nn::Linear> layers_;
  std::vector<nn::Matrix> x_, pre_, a_;
  nn::Matrix dpre_;
};

}  // namespace qmf::model
