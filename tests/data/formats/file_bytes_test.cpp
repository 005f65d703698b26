// The gzip inflation cap: a small compressed file must not be able to exhaust memory.
#include "data/formats/file_bytes.h"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/idx_write.h"
#include "support/run_command.h"

namespace qmf::data {
namespace {

TEST(FileBytes, InflatesUpToTheCapExactly) {
  const TempDir tmp("qmf-file-bytes-test");
  const std::vector<uint8_t> zeros(100000, 0);
  write_file_bytes(tmp.path() / "zeros.gz", zeros);
  EXPECT_EQ(read_file_bytes(tmp.path() / "zeros.gz", zeros.size()), zeros);
}

TEST(FileBytes, RejectsAFileThatInflatesPastTheCap) {
  const TempDir tmp("qmf-file-bytes-test");
  const std::vector<uint8_t> zeros(1 << 20, 0);  // compresses about 1000:1
  const auto file = tmp.path() / "bomb.gz";
  write_file_bytes(file, zeros);
  EXPECT_LT(std::filesystem::file_size(file), 4096u);
  try {
    read_file_bytes(file, zeros.size() - 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(qmf::testing::contains(e.what(), file.string())) << e.what();
    EXPECT_TRUE(qmf::testing::contains(e.what(), "inflates past 1048575 bytes")) << e.what();
  }
}

TEST(FileBytes, TheCapCountsEveryConcatenatedMember) {
  const TempDir tmp("qmf-file-bytes-test");
  const std::vector<uint8_t> part(600, 7);
  write_file_bytes(tmp.path() / "a.gz", part);
  std::vector<uint8_t> member = read_file_bytes(tmp.path() / "a.gz", part.size());
  ASSERT_EQ(member, part);
  std::ifstream in(tmp.path() / "a.gz", std::ios::binary);
  std::vector<uint8_t> once(std::istreambuf_iterator<char>(in), {});
  std::vector<uint8_t> twice = once;
  twice.insert(twice.end(), once.begin(), once.end());
  EXPECT_EQ(decode_file_bytes(twice, "twice.gz", 1200).size(), 1200u);
  EXPECT_THROW(decode_file_bytes(twice, "twice.gz", 1199), Error);
}

TEST(FileBytes, PlainFilesHaveNoCap) {
  const std::vector<uint8_t> plain(5000, 3);
  EXPECT_EQ(decode_file_bytes(plain, "plain", 10), plain);
}

}  // namespace
}  // namespace qmf::data
