#pragma once
// The convolutional front end of one image modality. Block i (from 1) is
//   Conv2d "<name>.conv<i>" (kernel k, stride 1, padding k/2) -> GroupNorm "<name>.norm<i>"
//   (gcd(channels, 8) groups) -> ReLU -> Pool2d (window and stride `pool`),
// then the last block's maps are flattened (a no-op: a sample's row already holds its channel
// planes one after another) and go through dropout when its rate is positive. The dropout masks
// depend on the stack's name as well as on the streams (nn/dropout.h), so two modalities' stacks
// given the same streams drop different entries.
//
// forward() keeps every intermediate of the batch for the next backward(); one ConvStack
// therefore serves one batch at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/image_shape.h"
#include "core/rng.h"
#include "nn/arena.h"
#include "nn/conv2d.h"
#include "nn/dropout.h"
#include "nn/group_norm.h"
#include "nn/pool2d.h"
#include "nn/tensor.h"

namespace qmf::nn {

struct ConvSpec {
  std::vector<int> channels = {16, 32};  // output channels of each block
  int kernel = 3;
  Pooling pooling = Pooling::max;
  int pool = 2;  // window and stride; 1 leaves the maps as they are
  double dropout = 0;
  bool operator==(const ConvSpec&) const = default;
};

class ConvStack {
 public:
  // Throws UsageError naming the problem when the spec is invalid (no blocks, a size below 1,
  // a dropout rate outside [0, 1)) or pooling shrinks the image to nothing.
  ConvStack(ParameterArena& arena, const std::string& name, ImageShape in, const ConvSpec& spec,
            int threads);

  // Each block's convolution, then its normalisation, in block order.
  void init(Rng& rng);

  // x: B x in_shape().size() -> B x out_dim(). The reference stays valid until the next
  // forward. training turns dropout on, its rows drawing from streams first_stream + b.
  const Matrix& forward(const Matrix& x, bool training, uint64_t first_stream);
  // dy: B x out_dim(), the loss gradient w.r.t. the last forward's output. Adds every block's
  // parameter gradients to the arena; writes dx (B x in_shape().size()) unless dx is null.
  void backward(const Matrix& dy, Matrix* dx);

  ImageShape in_shape() const { return in_; }
  ImageShape out_shape() const { return blocks_.back().pool.out_shape(); }
  size_t out_dim() const { return out_shape().size(); }
  const ConvSpec& spec() const { return spec_; }
  size_t parameter_count() const;
  // e.g. "conv 3x3 16, 32 (group norm, ReLU, max-pool 2) -> 32x8x4 = 1024".
  std::string describe() const;

 private:
  struct Block {
    // Block `number` (from 1) of the stack `name`, reading images of shape `in`.
    Block(ParameterArena& arena, const std::string& name, size_t number, ImageShape in,
          const ConvSpec& spec, int threads);
    Conv2d conv;
    GroupNorm norm;
    Pool2d pool;
    // From the last forward: each layer's output (act: after the ReLU), then backward's
    // gradients w.r.t. act, the conv output, and the block's input.
    Matrix conv_out, norm_out, act, pool_out;
    Matrix grad_act, grad_conv, grad_in;
  };

  ImageShape in_;
  ConvSpec spec_;
  std::vector<Block> blocks_;
  std::optional<Dropout> dropout_;  // none when the rate is 0
  Matrix input_;                    // the last forward's x
  Matrix output_;                   // after dropout
  Matrix grad_dropout_;
};

}  // namespace qmf::nn
