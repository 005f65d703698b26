#include "data/image_features.h"

#include "core/error.h"

namespace qmf::data {

Features crop(const IdxImages& images, const std::vector<size_t>& samples, const Region& region) {
  const ImageShape& s = region.shape;
  QMF_CHECK(region.row0 + s.rows <= images.rows && region.col0 + s.cols <= images.cols,
            "region {}x{} at ({}, {}) outside {}x{} images", s.rows, s.cols, region.row0,
            region.col0, images.rows, images.cols);
  Features x(static_cast<Eigen::Index>(samples.size()), static_cast<Eigen::Index>(s.rows * s.cols));
  for (size_t i = 0; i < samples.size(); ++i) {
    QMF_CHECK(samples[i] < images.count, "sample {} of {}", samples[i], images.count);
    const uint8_t* image = images.image(samples[i]);
    float* out = x.data() + i * s.rows * s.cols;
    for (size_t r = 0; r < s.rows; ++r) {
      const uint8_t* in = image + (region.row0 + r) * images.cols + region.col0;
      for (size_t c = 0; c < s.cols; ++c) *out++ = static_cast<float>(in[c]) / 255.0f;
    }
  }
  return x;
}

Features pool2x2(const Features& x, const ImageShape& shape) {
  if (shape.rows % 2 != 0 || shape.cols % 2 != 0) {
    throw Error(
        fmt::format("2x2 pooling needs even image sides, got {}x{}", shape.rows, shape.cols));
  }
  QMF_CHECK(static_cast<size_t>(x.cols()) == shape.rows * shape.cols, "{} features for {}x{}",
            x.cols(), shape.rows, shape.cols);
  const size_t rows = shape.rows / 2;
  const size_t cols = shape.cols / 2;
  Features pooled(x.rows(), static_cast<Eigen::Index>(rows * cols));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const float* in = x.data() + i * x.cols();
    float* out = pooled.data() + i * pooled.cols();
    for (size_t r = 0; r < rows; ++r) {
      const float* top = in + 2 * r * shape.cols;
      const float* bottom = top + shape.cols;
      for (size_t c = 0; c < cols; ++c) {
        *out++ = 0.25f * (top[2 * c] + top[2 * c + 1] + bottom[2 * c] + bottom[2 * c + 1]);
      }
    }
  }
  return pooled;
}

}  // namespace qmf::data
