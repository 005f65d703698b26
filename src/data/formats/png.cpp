#include "data/formats/png.h"

#include <png.h>

#include "core/error.h"
#include "data/formats/file_bytes.h"

namespace qmf::data {
namespace {

// Far above the 1024 x 10000 CIFAR sheets; keeps a hostile header from asking for gigabytes.
constexpr size_t kMaxPixels = size_t{1} << 26;

// Frees libpng's read state on every path out, including exceptions.
struct PngReader {
  png_image image{};
  PngReader() { image.version = PNG_IMAGE_VERSION; }
  ~PngReader() { png_image_free(&image); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;
};

std::string describe_format(png_uint_32 format) {
  if ((format & PNG_FORMAT_FLAG_COLORMAP) != 0) return "a palette image";
  if ((format & PNG_FORMAT_FLAG_LINEAR) != 0) return "a 16-bit image";
  if ((format & PNG_FORMAT_FLAG_COLOR) == 0) return "a grey-scale image";
  if ((format & PNG_FORMAT_FLAG_ALPHA) != 0) return "an image with an alpha channel";
  return "an 8-bit RGB image";
}

}  // namespace

RgbImage decode_png_rgb(std::span<const uint8_t> bytes, const std::string& name) {
  PngReader reader;
  png_image& image = reader.image;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    throw Error(fmt::format("{}: not a readable PNG file ({})", name, image.message));
  }
  if (image.format != PNG_FORMAT_RGB) {
    throw Error(fmt::format("{}: {}; only 8-bit RGB without alpha is accepted", name,
                            describe_format(image.format)));
  }
  if (image.width == 0 || image.height == 0 ||
      size_t{image.width} > kMaxPixels / size_t{image.height}) {
    throw Error(fmt::format("{}: unsupported image size {}x{}", name, image.width, image.height));
  }
  RgbImage out{.width = image.width, .height = image.height, .rgb = {}};
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr) == 0) {
    throw Error(fmt::format("{}: corrupt PNG data ({})", name, image.message));
  }
  return out;
}

RgbImage read_png_rgb(const std::filesystem::path& file) {
  return decode_png_rgb(read_file_bytes(file), file.string());
}

}  // namespace qmf::data
