#pragma once
// 2-D convolution over channels-first images (core/image_shape.h), one sample per row:
//   y[o, i, j] = b[o] + sum over (c, u, v) of W[o, (c, u, v)] x[c, i s + u - p, j s + v - p],
// x being zero outside the image (padding p on every side, stride s, kernel k x k). Parameters
// live in the arena as "<name>.weight" (out_channels x in.channels k k, row-major: each row one
// filter, taps in (channel, kernel row, kernel column) order) and "<name>.bias" (out_channels);
// the layer keeps their offsets.
//
// Each chunk of kChunk samples is unrolled (im2col: one row per filter tap, one column per output
// pixel of each sample) so that the convolution is a single matrix product. Chunks, not threads,
// are the unit of work: their size is a constant and their weight gradients are summed in chunk
// order, so every thread count gives the same bits (given use_threads(), which keeps Eigen's own
// products on one thread). The layer keeps scratch for kSlots chunks, sized for a full chunk the
// first time it is used: after that, forward and backward allocate nothing, and a larger batch
// runs in waves of kSlots chunks rather than growing the scratch with the batch. One Conv2d
// therefore serves one batch at a time.
#include <string>
#include <vector>

#include "core/image_shape.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "nn/arena.h"
#include "nn/tensor.h"

namespace qmf::nn {

class Conv2d {
 public:
  // Samples per chunk of work: fixed, never derived from the thread count (see above).
  static constexpr Index kChunk = 8;
  // Chunks run at once, each with its own scratch: at most 128 samples' worth of scratch.
  static constexpr size_t kSlots = 16;

  // Sizes positive and padding < kernel (QMF_CHECK); a kernel larger than the padded image is a
  // UsageError. threads: as ParallelFor's (0: all cores).
  Conv2d(ParameterArena& arena, const std::string& name, ImageShape in, size_t out_channels,
         size_t kernel, size_t stride, size_t padding, int threads);

  // Weights and biases uniform in (-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in.channels k k:
  // weights first, row by row, then biases, as Linear::init.
  void init(Rng& rng);

  // x: B x in.size() -> y: B x out.size() (resized).
  void forward(const Matrix& x, Matrix& y);
  // x: the forward input, dy: B x out.size(). Adds dW and db to the arena's gradients; writes
  // dx (B x in.size()) unless dx is null (first layer of a network). When x is the very matrix
  // the last forward read, unchanged since, and its batch fitted in the slots (kChunk * kSlots
  // samples), the forward's unrolled columns are used again rather than unrolled anew: a
  // training step's backward then costs no im2col. Computing dx overwrites them.
  void backward(const Matrix& x, const Matrix& dy, Matrix* dx);

  ImageShape in_shape() const { return in_; }
  ImageShape out_shape() const { return out_; }
  size_t kernel() const { return kernel_; }
  size_t stride() const { return stride_; }
  size_t padding() const { return padding_; }
  size_t weight_offset() const { return weight_; }
  size_t bias_offset() const { return bias_; }
  size_t parameter_count() const { return (taps() + 1) * out_.channels; }

 private:
  // One chunk's scratch, sized for kChunk samples and used in part by a short last chunk.
  struct Scratch {
    Matrix columns;  // taps x kChunk pixels: the unrolled input (backward: its gradient)
    Matrix maps;     // out_channels x kChunk pixels: the output (backward: its gradient)
    Matrix dweight;  // out_channels x taps
    Vector dbias;    // out_channels
  };

  size_t taps() const { return in_.channels * kernel_ * kernel_; }  // fan-in of one output
  Index pixels() const { return static_cast<Index>(out_.rows * out_.cols); }  // per channel
  // Makes room for a batch's scratch (before the threads index into it); returns its number of
  // chunks.
  size_t prepare(Index batch);
  // Chunk c of the batch: its samples [first, first + samples) and its slot's scratch,
  // allocated on first use.
  Scratch& chunk(size_t c, Index batch, Index& first, Index& samples);
  void forward_chunk(const Matrix& x, const ConstMatrixMap& w, const ConstVectorMap& b, Matrix& y,
                     size_t c);
  // Whether the slots still hold x unrolled by the last forward (see backward).
  bool holds_unrolled(const Matrix& x) const;
  // The chunk's weight and bias gradients into its scratch, and its rows of dx.
  void backward_chunk(const Matrix& x, const Matrix& dy, const ConstMatrixMap& w, Matrix* dx,
                      size_t c);

  ParameterArena* arena_;
  ImageShape in_;
  ImageShape out_;
  size_t kernel_;
  size_t stride_;
  size_t padding_;
  ParallelFor parallel_;
  size_t weight_;
  size_t bias_;
  std::vector<Scratch> slots_;  // chunk c uses slot c % kSlots
  // The batch whose columns the slots hold from the last forward; none when rows is 0.
  struct Unrolled {
    const double* data = nullptr;
    Index rows = 0;
  };
  Unrolled unrolled_;
};

}  // namespace qmf::nn
