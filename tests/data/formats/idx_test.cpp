// IDX reading: files written by the IDX writer read back identically, plain or gzip.
#include "data/formats/idx.h"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "data/formats/file_bytes.h"
#include "data/formats/idx_write.h"

namespace qmf::data {
namespace {

Images sample_images() {
  Images images{.count = 3, .rows = 4, .cols = 5, .pixels = {}};
  for (size_t i = 0; i < 3 * 4 * 5; ++i) images.pixels.push_back(static_cast<uint8_t>(i * 37));
  return images;
}

void expect_round_trip(const std::string& suffix) {
  const TempDir tmp("qmf-idx-test");
  const Images images = sample_images();
  const std::vector<int> labels = {0, 9, 4};
  write_idx_images(tmp.path() / ("images" + suffix), images);
  write_idx_labels(tmp.path() / ("labels" + suffix), labels);

  const LabelledImages data =
      read_idx_dataset(tmp.path() / ("images" + suffix), tmp.path() / ("labels" + suffix), 9);
  EXPECT_EQ(data.images.count, 3u);
  EXPECT_EQ(data.images.rows, 4u);
  EXPECT_EQ(data.images.cols, 5u);
  EXPECT_EQ(data.images.pixels, images.pixels);
  EXPECT_EQ(data.labels, labels);
  EXPECT_EQ(data.images.image(2)[0], images.pixels[2 * 20]);
}

TEST(Idx, PlainRoundTrip) { expect_round_trip(""); }

TEST(Idx, GzipRoundTrip) { expect_round_trip(".gz"); }

TEST(Idx, GzipFileIsReallyCompressed) {
  const TempDir tmp("qmf-idx-test");
  write_idx_labels(tmp.path() / "labels.gz", {1, 2, 3});
  const std::vector<uint8_t> gzip_magic = {0x1f, 0x8b};
  std::ifstream in(tmp.path() / "labels.gz", std::ios::binary);
  std::vector<uint8_t> head(2);
  in.read(reinterpret_cast<char*>(head.data()), 2);
  EXPECT_EQ(head, gzip_magic);
}

TEST(Idx, ConcatenatedGzipMembersAreJoined) {
  const TempDir tmp("qmf-idx-test");
  // Two gzip members, as `cat a.gz b.gz` makes; gunzip yields both payloads.
  write_file_bytes(tmp.path() / "a.gz", {1, 2, 3});
  write_file_bytes(tmp.path() / "b.gz", {4, 5});
  std::vector<uint8_t> joined;
  for (const char* name : {"a.gz", "b.gz"}) {
    std::ifstream in(tmp.path() / name, std::ios::binary);
    joined.insert(joined.end(), std::istreambuf_iterator<char>(in), {});
  }
  write_file_bytes(tmp.path() / "ab", joined);  // already compressed: write as is
  EXPECT_EQ(read_file_bytes(tmp.path() / "ab"), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(Idx, FindDataFilePrefersPlainThenGzip) {
  const TempDir tmp("qmf-idx-test");
  write_idx_labels(tmp.path() / "labels.gz", {1});
  EXPECT_EQ(find_data_file(tmp.path(), "labels"), tmp.path() / "labels.gz");
  write_idx_labels(tmp.path() / "labels", {1});
  EXPECT_EQ(find_data_file(tmp.path(), "labels"), tmp.path() / "labels");
}

}  // namespace
}  // namespace qmf::data
