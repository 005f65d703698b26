#pragma once
// Group normalisation over channels-first images (core/image_shape.h), one sample per row. The
// channels are split into `groups` runs of consecutive channels; each sample's group is shifted
// and scaled to zero mean and unit variance over its channels and pixels (variance + 1e-5 under
// the square root), then each channel c gets its own affine map gamma[c] x + beta[c]. The
// parameters live in the arena as "<name>.gamma" and "<name>.beta" (channels each).
//
// Group normalisation rather than batch normalisation, on purpose: the statistics are one
// sample's own, so a sample's output does not depend on the batch it came in. Evaluation is then
// the same computation as training's forward (no running averages), small and ragged batches
// work, and the shards of MPI ranks give the same bits as one process over the whole batch.
//
// forward() keeps the normalised values and each group's 1/std for the next backward(); one
// GroupNorm therefore serves one batch at a time.
#include <string>

#include "core/image_shape.h"
#include "core/rng.h"
#include "nn/arena.h"
#include "nn/tensor.h"

namespace qmf::nn {

class GroupNorm {
 public:
  static constexpr double kEpsilon = 1e-5;

  // groups must divide in.channels (QMF_CHECK).
  GroupNorm(ParameterArena& arena, const std::string& name, ImageShape in, size_t groups);

  // gamma = 1, beta = 0: the identity affine map. Draws nothing; takes the generator so that
  // every layer initialises alike.
  void init(Rng& rng);

  // x: B x shape.size() -> y (resized).
  void forward(const Matrix& x, Matrix& y);
  // dy: the gradient w.r.t. the last forward's output. Adds dgamma and dbeta to the arena's
  // gradients; writes dx (resized).
  void backward(const Matrix& dy, Matrix& dx);

  ImageShape shape() const { return shape_; }
  size_t groups() const { return groups_; }
  size_t gamma_offset() const { return gamma_; }
  size_t beta_offset() const { return beta_; }
  size_t parameter_count() const { return 2 * shape_.channels; }

 private:
  Index plane() const { return static_cast<Index>(shape_.rows * shape_.cols); }
  Index group_size() const { return plane() * static_cast<Index>(shape_.channels / groups_); }

  ParameterArena* arena_;
  ImageShape shape_;
  size_t groups_;
  size_t gamma_;
  size_t beta_;
  Matrix normalised_;  // B x shape.size(): (x - mean) / std of the last forward
  Matrix inv_std_;     // B x groups
};

}  // namespace qmf::nn
