// NumPy .npy reading: every accepted dtype and format version, 1-D and 2-D arrays, and every
// rejection with a message that names the file and the problem. Files are built byte by byte by
// support/npy_write.h, laid out as numpy.save writes them.
#include "data/formats/npy.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/idx_write.h"
#include "support/npy_write.h"
#include "support/sim_support.h"

namespace qmf::data {
namespace {

using qmf::testing::npy_array;
using qmf::testing::npy_dict;
using qmf::testing::npy_file;

NumericArray parse(const std::vector<uint8_t>& bytes) { return parse_npy(bytes, "x.npy"); }

std::string message(const std::vector<uint8_t>& bytes) {
  return qmf::testing::error_message([&] { parse(bytes); });
}

void expect_values(const NumericArray& a, const std::vector<double>& want) {
  ASSERT_EQ(a.values.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(a.values[i], want[i]) << "value " << i;
}

TEST(Npy, ReadsFloat32AndFloat64) {
  expect_values(parse(npy_array<float>("<f4", "(3,)", {1.5f, -2.25f, 1e30f})),
                {1.5, -2.25, static_cast<double>(1e30f)});
  expect_values(parse(npy_array<double>("<f8", "(2,)", {0.1, -1e300})), {0.1, -1e300});
}

TEST(Npy, ReadsSignedIntegersOfEveryWidth) {
  expect_values(parse(npy_array<int8_t>("|i1", "(3,)", {-128, 0, 127})), {-128, 0, 127});
  expect_values(parse(npy_array<int16_t>("<i2", "(2,)", {-32768, 32767})), {-32768, 32767});
  expect_values(parse(npy_array<int32_t>("<i4", "(2,)", {-2147483647 - 1, 7})), {-2147483648.0, 7});
  expect_values(parse(npy_array<int64_t>("<i8", "(2,)", {-(int64_t{1} << 40), 3})),
                {-1099511627776.0, 3});
}

TEST(Npy, ReadsUnsignedIntegersOfEveryWidth) {
  expect_values(parse(npy_array<uint8_t>("|u1", "(2,)", {0, 255})), {0, 255});
  expect_values(parse(npy_array<uint16_t>("<u2", "(1,)", {65535})), {65535});
  expect_values(parse(npy_array<uint32_t>("<u4", "(1,)", {4000000000u})), {4000000000.0});
  expect_values(parse(npy_array<uint64_t>("<u8", "(1,)", {uint64_t{1} << 53})),
                {9007199254740992.0});
}

TEST(Npy, ReadsBoolAndOneByteTypesWithAnyByteOrderMark) {
  expect_values(parse(npy_array<bool>("|b1", "(3,)", {true, false, true})), {1, 0, 1});
  expect_values(parse(npy_array<uint8_t>("<u1", "(1,)", {9})), {9});
  expect_values(parse(npy_array<int8_t>(">i1", "(1,)", {-9})), {-9});
}

TEST(Npy, OneDimensionalArrayIsOneFeaturePerSample) {
  const NumericArray a = parse(npy_array<int32_t>("<i4", "(4,)", {1, 2, 3, 4}));
  EXPECT_EQ(a.dims, 1u);
  EXPECT_EQ(a.rows, 4u);
  EXPECT_EQ(a.cols, 1u);
}

TEST(Npy, TwoDimensionalArrayIsRowMajor) {
  const NumericArray a = parse(npy_array<float>("<f4", "(2, 3)", {0, 1, 2, 10, 11, 12}));
  EXPECT_EQ(a.dims, 2u);
  EXPECT_EQ(a.rows, 2u);
  EXPECT_EQ(a.cols, 3u);
  EXPECT_EQ(a.at(1, 2), 12);
  EXPECT_EQ(a.at(0, 1), 1);
}

TEST(Npy, FormatVersions2And3ReadLikeVersion1) {
  const std::vector<double> v = {1, 2, 3, 4, 5, 6};
  for (int major : {2, 3}) {
    const NumericArray a = parse(npy_array<double>("<f8", "(3, 2)", v, major));
    EXPECT_EQ(a.rows, 3u) << "version " << major;
    EXPECT_EQ(a.at(2, 1), 6) << "version " << major;
  }
}

TEST(Npy, AcceptsDoubleQuotesAndKeysInAnyOrder) {
  const std::string dict = "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f8\"}";
  expect_values(parse(npy_file(dict, qmf::testing::little_endian_bytes<double>({4, 5}))), {4, 5});
}

TEST(Npy, EmptyArraysParse) {
  // Emptiness is the caller's to judge (user_files.cpp rejects it); the format allows it.
  const NumericArray a = parse(npy_file(npy_dict("<f4", "(0, 3)"), {}));
  EXPECT_EQ(a.rows, 0u);
  EXPECT_EQ(a.cols, 3u);
}

TEST(Npy, ReadsGzippedFiles) {
  TempDir tmp("qmf-npy");
  write_file_bytes(tmp.path() / "a.npy.gz", npy_array<float>("<f4", "(2, 1)", {7, 8}));
  expect_values(read_npy(tmp.path() / "a.npy.gz"), {7, 8});
}

TEST(Npy, ReadErrorsNameTheFile) {
  TempDir tmp("qmf-npy");
  write_file_bytes(tmp.path() / "bad.npy", {1, 2, 3});
  const std::string msg = qmf::testing::error_message([&] { read_npy(tmp.path() / "bad.npy"); });
  EXPECT_NE(msg.find((tmp.path() / "bad.npy").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a NumPy .npy file"), std::string::npos) << msg;
}

TEST(Npy, RejectsNaNAndInfinityByPosition) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::string a = message(npy_array<float>("<f4", "(2, 2)", {0, 1, 2, nan}));
  EXPECT_NE(a.find("x.npy: NaN at row 1, column 1"), std::string::npos) << a;
  const std::string b = message(npy_array<double>("<f8", "(3,)", {0, -inf, 1}));
  EXPECT_NE(b.find("x.npy: infinity at index 1"), std::string::npos) << b;
}

TEST(Npy, RejectsWhatIsNotNpy) {
  EXPECT_NE(message({}).find("not a NumPy .npy file"), std::string::npos);
  EXPECT_NE(message({'P', 'K', 3, 4}).find("not a NumPy .npy file"), std::string::npos);
  EXPECT_NE(message({0x93, 'N', 'U', 'M', 'P', 'Y'}).find("no format version"), std::string::npos);
  std::vector<uint8_t> v4 = npy_array<float>("<f4", "(1,)", {1});
  v4[6] = 4;
  EXPECT_NE(message(v4).find("version 4.0 is not supported"), std::string::npos) << message(v4);
  EXPECT_NE(message({0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 10}).find("no header length"),
            std::string::npos);
}

TEST(Npy, RejectsHeaderLengthBeyondTheFile) {
  std::vector<uint8_t> bytes = npy_array<float>("<f4", "(1,)", {1});
  bytes[8] = 0xff;
  bytes[9] = 0xff;
  EXPECT_NE(message(bytes).find("the header claims 65535 bytes"), std::string::npos)
      << message(bytes);
  std::vector<uint8_t> v2 = npy_array<float>("<f4", "(1,)", {1}, 2);
  v2[11] = 0xff;  // the top byte of version 2.0's 4-byte length
  EXPECT_NE(message(v2).find("truncated .npy file"), std::string::npos) << message(v2);
}

TEST(Npy, RejectsMalformedHeaders) {
  const std::vector<uint8_t> four = qmf::testing::little_endian_bytes<float>({1});
  const auto bad = [&](const std::string& dict, const std::string& why) {
    const std::string msg = message(npy_file(dict, four));
    EXPECT_NE(msg.find("malformed .npy header"), std::string::npos) << dict << ": " << msg;
    EXPECT_NE(msg.find(why), std::string::npos) << dict << ": " << msg;
  };
  bad("", "expected '{'");
  bad("{'descr': '<f4', 'shape': (1,)}", "needs the keys");
  bad("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "'extra'");
  bad("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
      "repeated key 'descr'");
  bad("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "True or False");
  bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "non-negative integers");
  bad("{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}", "expected ')'");
  bad("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
      "non-negative integers");
  bad("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", "after the closing");
  bad("{'descr: '<f4'", "expected ':'");
  bad("{descr: '<f4'}", "quoted string");
}

TEST(Npy, RejectsUnsupportedDtypes) {
  const auto rejects = [](const std::string& descr, const std::string& why) {
    const std::string msg = message(npy_file(npy_dict(descr, "(1,)"), {0, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_NE(msg.find(why), std::string::npos) << descr << ": " << msg;
  };
  rejects(">f4", "big-endian");
  rejects(">i8", "big-endian");
  for (const char* d : {"<f2", "<c8", "|O", "<U1", "|S8", "|f8", "=f8", "<i3", "<f4x", "f4"})
    rejects(d, "is not supported");
  const std::string structured = message(
      npy_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", {0, 0, 0, 0}));
  EXPECT_NE(structured.find("structured arrays"), std::string::npos) << structured;
}

TEST(Npy, RejectsFortranOrderAndOtherRanks) {
  const std::vector<uint8_t> data = qmf::testing::little_endian_bytes<float>({1, 2, 3, 4});
  const std::string fortran = message(npy_file(npy_dict("<f4", "(2, 2)", true), data));
  EXPECT_NE(fortran.find("Fortran-ordered arrays are not supported"), std::string::npos) << fortran;
  EXPECT_NE(message(npy_file(npy_dict("<f4", "()"), {0, 0, 0, 0})).find("0 dimensions"),
            std::string::npos);
  EXPECT_NE(message(npy_file(npy_dict("<f4", "(1, 1, 1, 2, 2)"), data)).find("5 dimensions"),
            std::string::npos);
}

TEST(Npy, ImagesKeepTheirShapeAsRowsOfPixels) {
  const std::vector<uint8_t> data =
      qmf::testing::little_endian_bytes<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  const NumericArray gray = parse_npy(npy_file(npy_dict("<f4", "(2, 2, 3)"), data), "g.npy");
  EXPECT_EQ(gray.rows, 2u);
  EXPECT_EQ(gray.cols, 6u);
  EXPECT_EQ(gray.sample_shape, (ImageShape{2, 3, 1}));
  EXPECT_EQ(gray.at(1, 0), 7);
  const NumericArray rgb = parse_npy(npy_file(npy_dict("<f4", "(1, 3, 2, 2)"), data), "c.npy");
  EXPECT_EQ(rgb.rows, 1u);
  EXPECT_EQ(rgb.cols, 12u);
  EXPECT_EQ(rgb.sample_shape, (ImageShape{2, 2, 3}));
  EXPECT_EQ(parse_npy(npy_file(npy_dict("<f4", "(3, 4)"), data), "t.npy").sample_shape,
            (ImageShape{1, 4, 1}));
  // A shape whose product overflows is caught before any multiplication wraps.
  const std::string huge =
      message(npy_file(npy_dict("<f4", "(2, 4294967296, 4294967296, 4294967296)"), data));
  EXPECT_NE(huge.find("truncated"), std::string::npos) << huge;
}

TEST(Npy, RejectsTruncatedAndTrailingData) {
  const std::vector<uint8_t> data = qmf::testing::little_endian_bytes<float>({1, 2, 3, 4, 5});
  const std::string short_msg = message(npy_file(npy_dict("<f4", "(2, 3)"), data));
  EXPECT_NE(short_msg.find("truncated"), std::string::npos) << short_msg;
  const std::string long_msg = message(npy_file(npy_dict("<f4", "(2, 2)"), data));
  EXPECT_NE(long_msg.find("20 bytes of data follow the header, but 2 x 2 values"),
            std::string::npos)
      << long_msg;
}

TEST(Npy, HugeShapesFailWithoutAllocating) {
  // Products that overflow 64 bits, and shapes far beyond the bytes present, are caught by
  // comparing with the file length before anything is allocated.
  const std::vector<uint8_t> data(16, 0);
  for (const char* shape :
       {"(4294967296, 4294967296)", "(18446744073709551615, 2)", "(1000000000000,)",
        "(2305843009213693952, 1)", "(1, 18446744073709551615)"}) {
    const std::string msg = message(npy_file(npy_dict("<f8", shape), data));
    EXPECT_NE(msg.find("truncated"), std::string::npos) << shape << ": " << msg;
  }
  // A zero dimension with data following is trailing data, not a division by zero.
  EXPECT_NE(message(npy_file(npy_dict("<f8", "(0, 0)"), data)).find("16 bytes of data"),
            std::string::npos);
}

TEST(Npy, EveryTruncationAndByteFlipIsAnErrorNotACrash) {
  const std::vector<uint8_t> good = npy_array<int16_t>("<i2", "(3, 2)", {1, 2, 3, 4, 5, 6});
  for (size_t n = 0; n < good.size(); ++n) {
    const std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    EXPECT_THROW(parse(cut), Error) << "first " << n << " bytes";
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= flip;
      try {
        parse(bad);  // a flip in the data or the padding may still be a valid file
      } catch (const Error&) {
      }
    }
  }
}

}  // namespace
}  // namespace qmf::data
