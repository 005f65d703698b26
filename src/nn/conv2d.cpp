#include "nn/conv2d.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "core/error.h"
#include "nn/gemm.h"

namespace qmf::nn {

namespace {

size_t convolved(size_t n, size_t kernel, size_t stride, size_t padding) {
  return (n + 2 * padding - kernel) / stride + 1;
}

// The geometry in signed indices: a tap's input position may fall on the padding, below 0.
struct Grid {
  Index channels, rows, cols, kernel, stride, padding, out_rows, out_cols;
};

Grid grid_of(const Conv2d& conv) {
  const ImageShape in = conv.in_shape();
  const ImageShape out = conv.out_shape();
  const auto index = [](size_t n) { return static_cast<Index>(n); };
  return {index(in.channels),   index(in.rows),        index(in.cols),  index(conv.kernel()),
          index(conv.stride()), index(conv.padding()), index(out.rows), index(out.cols)};
}

// Output positions t in [first, last) read input position t * stride + offset inside [0, n);
// the others read padding. offset is a kernel tap's shift (tap - padding), so may be negative.
struct Inside {
  Index first;
  Index last;
};
Inside inside(Index offset, Index stride, Index n, Index count) {
  const Index last = offset >= n ? 0 : std::min(count, (n - 1 - offset) / stride + 1);
  const Index first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  return {std::min(first, last), last};
}

// Writes one image's columns (im2col) from column `first` of `columns`: row (c, u, v) holds,
// for each output pixel, the input under tap (u, v) of channel c, or 0 on the padding.
void unroll(const Grid& g, const double* image, Matrix& columns, Index first) {
  Index tap = 0;
  for (Index c = 0; c < g.channels; ++c) {
    for (Index u = 0; u < g.kernel; ++u) {
      const Inside rows = inside(u - g.padding, g.stride, g.rows, g.out_rows);
      for (Index v = 0; v < g.kernel; ++v) {
        const Inside cols = inside(v - g.padding, g.stride, g.cols, g.out_cols);
        double* out = columns.row(tap++).data() + first;
        for (Index i = 0; i < g.out_rows; ++i, out += g.out_cols) {
          if (i < rows.first || i >= rows.last) {
            std::fill(out, out + g.out_cols, 0.0);
            continue;
          }
          const double* line = image + (c * g.rows + i * g.stride + u - g.padding) * g.cols;
          const Index shift = v - g.padding;  // j * stride + shift >= 0 for j >= cols.first
          std::fill(out, out + cols.first, 0.0);
          if (g.stride == 1)  // a plain copy, which the compiler turns into wide moves
            std::copy(line + cols.first + shift, line + cols.last + shift, out + cols.first);
          else
            for (Index j = cols.first; j < cols.last; ++j) out[j] = line[j * g.stride + shift];
          std::fill(out + cols.last, out + g.out_cols, 0.0);
        }
      }
    }
  }
}

// The adjoint of unroll (col2im): adds each column entry back onto the input it was read from.
void fold(const Grid& g, const Matrix& columns, Index first, double* image) {
  Index tap = 0;
  for (Index c = 0; c < g.channels; ++c) {
    for (Index u = 0; u < g.kernel; ++u) {
      const Inside rows = inside(u - g.padding, g.stride, g.rows, g.out_rows);
      for (Index v = 0; v < g.kernel; ++v) {
        const Inside cols = inside(v - g.padding, g.stride, g.cols, g.out_cols);
        const double* from = columns.row(tap++).data() + first + rows.first * g.out_cols;
        for (Index i = rows.first; i < rows.last; ++i, from += g.out_cols) {
          double* line = image + (c * g.rows + i * g.stride + u - g.padding) * g.cols;
          const Index shift = v - g.padding;
          for (Index j = cols.first; j < cols.last; ++j) line[j * g.stride + shift] += from[j];
        }
      }
    }
  }
}

// The first `cols` columns of a scratch matrix, for gemm (nn/gemm.h).
GemmOperand view(const Matrix& m, Index cols, bool transposed = false) {
  return {m.data(), m.rows(), cols, m.cols(), transposed};
}
GemmOperand weights(const ConstMatrixMap& w, bool transposed = false) {
  return {w.data(), w.rows(), w.cols(), w.cols(), transposed};
}

}  // namespace

Conv2d::Conv2d(ParameterArena& arena, const std::string& name, ImageShape in, size_t out_channels,
               size_t kernel, size_t stride, size_t padding, int threads)
    : arena_(&arena),
      in_(in),
      kernel_(kernel),
      stride_(stride),
      padding_(padding),
      parallel_(threads) {
  QMF_CHECK(in.rows > 0 && in.cols > 0 && in.channels > 0 && out_channels > 0,
            "Conv2d '{}' needs positive sizes, got a {}x{}x{} image -> {} channels", name,
            in.channels, in.rows, in.cols, out_channels);
  QMF_CHECK(kernel > 0 && stride > 0 && padding < kernel,
            "Conv2d '{}' needs kernel, stride > 0 and padding < kernel, got {}, {}, {}", name,
            kernel, stride, padding);
  if (kernel > in.rows + 2 * padding || kernel > in.cols + 2 * padding)
    throw UsageError(
        fmt::format("convolution '{}': a {}x{} kernel does not fit a {}x{} image "
                    "padded by {}",
                    name, kernel, kernel, in.rows, in.cols, padding));
  out_ = {convolved(in.rows, kernel, stride, padding), convolved(in.cols, kernel, stride, padding),
          out_channels};
  weight_ = arena.add(name + ".weight", out_channels * taps(), ParamKind::Classical);
  bias_ = arena.add(name + ".bias", out_channels, ParamKind::Classical);
}

void Conv2d::init(Rng& rng) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(taps()));
  for (double& w : arena_->values(weight_, parameter_count())) w = rng.uniform(-bound, bound);
}

size_t Conv2d::prepare(Index batch) {
  const auto count = static_cast<size_t>((batch + kChunk - 1) / kChunk);
  if (slots_.size() < std::min(count, kSlots)) slots_.resize(std::min(count, kSlots));
  return count;
}

Conv2d::Scratch& Conv2d::chunk(size_t c, Index batch, Index& first, Index& samples) {
  first = static_cast<Index>(c) * kChunk;
  samples = std::min(kChunk, batch - first);
  Scratch& ch = slots_[c % kSlots];
  if (ch.columns.size() == 0) {
    const auto outs = static_cast<Index>(out_.channels);
    ch.columns.resize(static_cast<Index>(taps()), kChunk * pixels());
    ch.maps.resize(outs, kChunk * pixels());
    ch.dweight.resize(outs, static_cast<Index>(taps()));
    ch.dbias.resize(outs);
  }
  return ch;
}

void Conv2d::forward_chunk(const Matrix& x, const ConstMatrixMap& w, const ConstVectorMap& b,
                           Matrix& y, size_t c) {
  Index first = 0, samples = 0;
  Scratch& ch = chunk(c, x.rows(), first, samples);
  const Index n_pixels = pixels();
  const auto outs = static_cast<Index>(out_.channels);
  const Grid g = grid_of(*this);
  for (Index s = 0; s < samples; ++s) unroll(g, x.row(first + s).data(), ch.columns, s * n_pixels);
  auto maps = ch.maps.leftCols(samples * n_pixels);
  // One product per sample, all of one shape: a vectorised product treats the columns at the
  // edge of its blocks apart, so one product per chunk would round a sample by its place in
  // the batch, and evaluation batches and MPI shards cut batches anywhere.
  for (Index s = 0; s < samples; ++s) {
    const Index at = s * n_pixels;
    gemm({.a = weights(w),
          .b = {ch.columns.data() + at, ch.columns.rows(), n_pixels, ch.columns.cols()},
          .c = ch.maps.data() + at,
          .c_stride = ch.maps.cols()});
  }
  for (Index s = 0; s < samples; ++s)
    MatrixMap(y.row(first + s).data(), outs, n_pixels) =
        maps.middleCols(s * n_pixels, n_pixels).colwise() + b;
}

void Conv2d::forward(const Matrix& x, Matrix& y) {
  QMF_CHECK(static_cast<size_t>(x.cols()) == in_.size(), "Conv2d expects {} input columns, got {}",
            in_.size(), x.cols());
  QMF_CHECK(&x != &y, "Conv2d forward cannot write y over x");
  const auto outs = static_cast<Index>(out_.channels);
  y.resize(x.rows(), static_cast<Index>(out_.size()));
  const size_t count = prepare(x.rows());
  const ConstMatrixMap w =
      std::as_const(*arena_).value_matrix(weight_, outs, static_cast<Index>(taps()));
  const ConstVectorMap b = std::as_const(*arena_).value_vector(bias_, outs);
  for (size_t wave = 0; wave < count; wave += kSlots)
    parallel_(std::min(kSlots, count - wave),
              [&](size_t i) { forward_chunk(x, w, b, y, wave + i); });
  unrolled_ = count <= kSlots ? Unrolled{x.data(), x.rows()} : Unrolled{};
}

bool Conv2d::holds_unrolled(const Matrix& x) const {
  return unrolled_.rows > 0 && unrolled_.data == x.data() && unrolled_.rows == x.rows();
}

void Conv2d::backward_chunk(const Matrix& x, const Matrix& dy, const ConstMatrixMap& w, Matrix* dx,
                            size_t c) {
  Index first = 0, samples = 0;
  Scratch& ch = chunk(c, x.rows(), first, samples);
  const Index n_pixels = pixels();
  const auto outs = static_cast<Index>(out_.channels);
  const Grid g = grid_of(*this);
  auto columns = ch.columns.leftCols(samples * n_pixels);
  auto maps = ch.maps.leftCols(samples * n_pixels);
  const bool unrolled = holds_unrolled(x);
  for (Index s = 0; s < samples; ++s) {
    if (!unrolled) unroll(g, x.row(first + s).data(), ch.columns, s * n_pixels);
    maps.middleCols(s * n_pixels, n_pixels) =
        ConstMatrixMap(dy.row(first + s).data(), outs, n_pixels);
  }
  gemm({.a = view(ch.maps, samples * n_pixels),
        .b = view(ch.columns, samples * n_pixels, true),
        .c = ch.dweight.data(),
        .c_stride = ch.dweight.cols()});
  ch.dbias.noalias() = maps.rowwise().sum();
  if (dx == nullptr) return;
  // Now the unrolled input's gradient.
  gemm({.a = weights(w, true),
        .b = view(ch.maps, samples * n_pixels),
        .c = columns.data(),
        .c_stride = ch.columns.cols()});
  for (Index s = 0; s < samples; ++s) {
    double* image = dx->row(first + s).data();
    std::fill(image, image + in_.size(), 0.0);
    fold(g, ch.columns, s * n_pixels, image);
  }
}

void Conv2d::backward(const Matrix& x, const Matrix& dy, Matrix* dx) {
  QMF_CHECK(static_cast<size_t>(x.cols()) == in_.size() &&
                static_cast<size_t>(dy.cols()) == out_.size() && x.rows() == dy.rows(),
            "Conv2d backward got x {} x {} and dy {} x {}, expected {} and {} columns", x.rows(),
            x.cols(), dy.rows(), dy.cols(), in_.size(), out_.size());
  QMF_CHECK(dx != &x && dx != &dy, "Conv2d backward cannot write dx over its inputs");
  if (dx != nullptr) dx->resize(x.rows(), static_cast<Index>(in_.size()));
  const size_t count = prepare(x.rows());
  const auto outs = static_cast<Index>(out_.channels);
  const auto n_taps = static_cast<Index>(taps());
  const ConstMatrixMap w = std::as_const(*arena_).value_matrix(weight_, outs, n_taps);
  MatrixMap dw = arena_->grad_matrix(weight_, outs, n_taps);
  VectorMap db = arena_->grad_vector(bias_, outs);
  for (size_t wave = 0; wave < count; wave += kSlots) {
    const size_t n = std::min(kSlots, count - wave);
    parallel_(n, [&](size_t i) { backward_chunk(x, dy, w, dx, wave + i); });
    // Chunk by chunk, in order: the sums do not depend on which thread ran which chunk.
    for (size_t i = 0; i < n; ++i) {
      dw += slots_[i].dweight;
      db += slots_[i].dbias;
    }
  }
  if (dx != nullptr) unrolled_ = {};  // the columns now hold the input's gradient
}

}  // namespace qmf::nn
