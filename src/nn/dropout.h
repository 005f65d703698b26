#pragma once
// Inverted dropout: in training each entry is kept with probability 1 - rate and scaled by
// 1 / (1 - rate), so the expected output equals the input and evaluation is the identity.
//
// Row b's mask comes from its own stream, StreamRng(mix_seed(mix_seed(kDropoutSeed, salt),
// first_stream + b)) (core/rng.h): a sample's mask depends on its stream, never on the batch it
// was cut into, its position there, or the thread count. The caller numbers the streams (from
// the run's seed, the step and the sample's index) so that no two samples or steps share one;
// the salt tells apart dropout layers that see the same streams (one per modality, say).
//
// forward() keeps the mask for the next backward(); one Dropout serves one batch at a time.
#include <cstdint>

#include "nn/tensor.h"

namespace qmf::nn {

class Dropout {
 public:
  // Sets the mask streams apart from other draws numbered from the same streams.
  static constexpr uint64_t kDropoutSeed = 0xd209'0a7e'5eedULL;

  // 0 <= rate < 1 (QMF_CHECK).
  explicit Dropout(double rate, uint64_t salt = 0);

  // y = x at evaluation (training false) or rate 0; else the masked and scaled x (resized).
  void forward(const Matrix& x, Matrix& y, bool training, uint64_t first_stream);
  // dx = dy through the last forward's mask (dx may be dy).
  void backward(const Matrix& dy, Matrix& dx) const;

  double rate() const { return rate_; }

 private:
  double rate_;
  uint64_t seed_;        // mix_seed(kDropoutSeed, salt)
  bool masked_ = false;  // whether the last forward applied mask_
  Matrix mask_;          // 0 or 1 / (1 - rate) per entry
};

}  // namespace qmf::nn
