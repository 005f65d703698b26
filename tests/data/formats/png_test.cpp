#include "data/formats/png.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "support/cifar_write.h"

namespace qmf::data {
namespace {

using ::testing::HasSubstr;

std::string decode_error(const std::vector<uint8_t>& bytes) {
  try {
    decode_png_rgb(bytes, "sheet.png");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Png, DecodesRgbExactly) {
  std::vector<uint8_t> rgb(5 * 3 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(17 * i);
  const RgbImage image =
      decode_png_rgb(qmf::testing::encode_png(5, 3, PNG_FORMAT_RGB, rgb), "x.png");
  EXPECT_EQ(image.width, 5u);
  EXPECT_EQ(image.height, 3u);
  EXPECT_EQ(image.rgb, rgb);
}

TEST(Png, RejectsOtherPixelFormats) {
  const std::vector<uint8_t> four(2 * 2 * 4, 9);
  EXPECT_THAT(decode_error(qmf::testing::encode_png(2, 2, PNG_FORMAT_RGBA, four)),
              HasSubstr("sheet.png: an image with an alpha channel"));
  EXPECT_THAT(decode_error(qmf::testing::encode_png(2, 2, PNG_FORMAT_GRAY, four)),
              HasSubstr("a grey-scale image"));
}

TEST(Png, RejectsTruncatedAndForeignBytes) {
  std::vector<uint8_t> rgb(16 * 16 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 31 % 251);
  std::vector<uint8_t> png = qmf::testing::encode_png(16, 16, PNG_FORMAT_RGB, rgb);
  png.resize(png.size() / 2);
  EXPECT_THAT(decode_error(png), HasSubstr("sheet.png: corrupt PNG data"));
  EXPECT_THAT(decode_error({'G', 'I', 'F', '8', '9', 'a', 0, 0}),
              HasSubstr("sheet.png: not a readable PNG file"));
  EXPECT_THAT(decode_error({}), HasSubstr("not a readable PNG file"));
}

TEST(Png, FlippedDataByteFailsTheChecksum) {
  std::vector<uint8_t> rgb(8 * 8 * 3, 200);
  std::vector<uint8_t> png = qmf::testing::encode_png(8, 8, PNG_FORMAT_RGB, rgb);
  png[png.size() - 20] ^= 0x40;  // inside the image data, before IEND
  EXPECT_THAT(decode_error(png), HasSubstr("sheet.png"));
}

}  // namespace
}  // namespace qmf::data
