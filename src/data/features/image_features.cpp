#include "data/features/image_features.h"

#include <array>

#include "core/error.h"

namespace qmf::data {
namespace {

constexpr float kMaxPixel = 255.0f;  // divided by, not multiplied by a reciprocal: exact

Features make_rows(const std::vector<size_t>& samples, size_t features) {
  return Features(static_cast<Eigen::Index>(samples.size()), static_cast<Eigen::Index>(features));
}

void check_samples(const Images& images, const std::vector<size_t>& samples) {
  for (size_t s : samples) QMF_CHECK(s < images.count, "sample {} of {}", s, images.count);
}

// out[p] = offset + sum_c weights[c] * channel c of pixel p, for every pixel of every sample.
Features mix_channels(const Images& images, const std::vector<size_t>& samples,
                      const std::array<float, 3>& weights, float offset) {
  QMF_CHECK(images.channels == 3, "colour conversion of {}-channel images", images.channels);
  check_samples(images, samples);
  const size_t plane = images.rows * images.cols;
  Features x = make_rows(samples, plane);
  for (size_t i = 0; i < samples.size(); ++i) {
    const uint8_t* in = images.image(samples[i]);
    float* out = x.data() + i * plane;
    for (size_t p = 0; p < plane; ++p) {
      out[p] = offset +
               (weights[0] * in[p] + weights[1] * in[plane + p] + weights[2] * in[2 * plane + p]) /
                   kMaxPixel;
    }
  }
  return x;
}

}  // namespace

Features crop(const Images& images, const std::vector<size_t>& samples, const Region& region) {
  QMF_CHECK(region.row0 + region.rows <= images.rows && region.col0 + region.cols <= images.cols,
            "region {}x{} at ({}, {}) outside {}x{} images", region.rows, region.cols, region.row0,
            region.col0, images.rows, images.cols);
  check_samples(images, samples);
  const size_t plane = images.rows * images.cols;
  Features x = make_rows(samples, region.rows * region.cols * images.channels);
  for (size_t i = 0; i < samples.size(); ++i) {
    float* out = x.data() + i * x.cols();
    for (size_t c = 0; c < images.channels; ++c) {
      const uint8_t* in = images.image(samples[i]) + c * plane;
      for (size_t r = 0; r < region.rows; ++r) {
        const uint8_t* row = in + (region.row0 + r) * images.cols + region.col0;
        for (size_t col = 0; col < region.cols; ++col)
          *out++ = static_cast<float>(row[col]) / kMaxPixel;
      }
    }
  }
  return x;
}

Features channel_plane(const Images& images, const std::vector<size_t>& samples, size_t channel) {
  QMF_CHECK(channel < images.channels, "channel {} of {}", channel, images.channels);
  std::array<float, 3> weights{};
  weights[channel] = 1.0f;
  return mix_channels(images, samples, weights, 0.0f);
}

Features luma(const Images& images, const std::vector<size_t>& samples) {
  return mix_channels(images, samples, {0.299f, 0.587f, 0.114f}, 0.0f);
}

Features chroma(const Images& images, const std::vector<size_t>& samples) {
  const Features cb = mix_channels(images, samples, {-0.168736f, -0.331264f, 0.5f}, 0.5f);
  const Features cr = mix_channels(images, samples, {0.5f, -0.418688f, -0.081312f}, 0.5f);
  Features x(cb.rows(), cb.cols() + cr.cols());
  x << cb, cr;
  return x;
}

Features pool2x2(const Features& x, const ImageShape& shape) {
  if (shape.rows % 2 != 0 || shape.cols % 2 != 0) {
    throw Error(
        fmt::format("2x2 pooling needs even image sides, got {}x{}", shape.rows, shape.cols));
  }
  QMF_CHECK(static_cast<size_t>(x.cols()) == shape.size(), "{} features for {}x{}x{}", x.cols(),
            shape.rows, shape.cols, shape.channels);
  const size_t rows = shape.rows / 2;
  const size_t cols = shape.cols / 2;
  Features pooled(x.rows(), static_cast<Eigen::Index>(rows * cols * shape.channels));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    float* out = pooled.data() + i * pooled.cols();
    for (size_t c = 0; c < shape.channels; ++c) {
      const float* in = x.data() + i * x.cols() + c * shape.rows * shape.cols;
      for (size_t r = 0; r < rows; ++r) {
        const float* top = in + 2 * r * shape.cols;
        const float* bottom = top + shape.cols;
        for (size_t col = 0; col < cols; ++col) {
          *out++ =
              0.25f * (top[2 * col] + top[2 * col + 1] + bottom[2 * col] + bottom[2 * col + 1]);
        }
      }
    }
  }
  return pooled;
}

}  // namespace qmf::data
