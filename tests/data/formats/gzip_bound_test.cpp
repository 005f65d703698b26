// Inflating gzip in bounded steps: a small file that inflates far past the cap fails holding no
// more than the cap and one chunk of output, the size its trailer claims is believed no further
// than the cap and deflate's best ratio, and data beyond the trailer's estimate (several members)
// still reads back whole and in order.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/file_bytes.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "support/sanitizers.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;
using qmf::testing::contains;

// One gzip member holding `count` copies of `byte`, written with zlib's own gzip writer.
std::vector<uint8_t> gzip_member(const fs::path& scratch, size_t count, uint8_t byte) {
  gzFile gz = gzopen(scratch.c_str(), "wb1");  // fastest; zeros compress well at any level
  EXPECT_NE(gz, nullptr);
  const std::vector<uint8_t> block(size_t{1} << 20, byte);
  for (size_t left = count; left > 0;) {
    const size_t n = std::min(left, block.size());
    EXPECT_EQ(gzwrite(gz, block.data(), static_cast<unsigned>(n)), static_cast<int>(n));
    left -= n;
  }
  EXPECT_EQ(gzclose(gz), Z_OK);
  return read_binary_file(scratch);
}

std::vector<uint8_t> repeated(const std::vector<uint8_t>& member, size_t times) {
  std::vector<uint8_t> all;
  for (size_t i = 0; i < times; ++i) all.insert(all.end(), member.begin(), member.end());
  return all;
}

// What read_file_bytes(file, cap) threw, and how far the peak resident memory of the process rose
// while it ran. It runs in a forked child, whose peak starts at its size when forked, so that
// nothing the rest of the suite did or does moves the figure.
struct Outcome {
  std::string message;
  size_t peak_growth = 0;  // bytes
};

Outcome decode_in_child(const fs::path& file, size_t cap) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    rusage before{}, after{};
    ::getrusage(RUSAGE_SELF, &before);
    std::string message = "no error";
    try {
      read_file_bytes(file, cap);
    } catch (const std::exception& e) {
      message = e.what();
    }
    ::getrusage(RUSAGE_SELF, &after);
    const std::string report = std::to_string(after.ru_maxrss - before.ru_maxrss) + "\n" + message;
    const ssize_t written = ::write(fds[1], report.data(), report.size());
    ::_exit(written == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << report;
  const size_t newline = report.find('\n');
  if (newline == std::string::npos) return {report, 0};
  return {report.substr(newline + 1), std::stoul(report.substr(0, newline)) * 1024};
}

// Allocator bookkeeping, page rounding, the sanitizers' shadow memory: what the process may use
// beside the buffers themselves.
constexpr size_t kSlack = size_t{8} << 20;

TEST(GzipBound, ABombFailsHoldingNoMoreThanTheCapAndOneChunk) {
  const TempDir tmp("qmf-gzip-bound");
  constexpr size_t kCap = size_t{32} << 20;
  // 100 members of kCap zero bytes: 3 MB on disk that would inflate to 100 times the cap.
  const std::vector<uint8_t> bomb = repeated(gzip_member(tmp.path() / "m.gz", kCap, 0), 100);
  const fs::path file = tmp.path() / "bomb.npy.gz";
  qmf::testing::write_bytes(file, bomb);
  const Outcome o = decode_in_child(file, kCap);
  EXPECT_EQ(o.message, file.string() +
                           ": gzip data inflates past 33554432 bytes, the limit for a "
                           "compressed data file; store it uncompressed");
  // The input, the output up to the cap and one chunk of counting. Growing the output by
  // doubling held up to 1.5 times the cap while copying. AddressSanitizer's shadow memory and
  // quarantine change what a process holds, so the bound is measured in the plain build only.
#if !QMF_TEST_UNDER_ASAN
  EXPECT_LE(o.peak_growth, bomb.size() + kCap + kInflateChunk + kSlack)
      << "peak rose by " << o.peak_growth << " bytes";
#endif
}

TEST(GzipBound, ATrailerClaimingMoreThanTheDataCanHoldIsNotBelieved) {
  const TempDir tmp("qmf-gzip-bound");
  std::vector<uint8_t> small = gzip_member(tmp.path() / "m.gz", 1000, 7);
  std::fill(small.end() - 4, small.end(), 0xff);  // ISIZE: 4 GiB - 1
  const fs::path file = tmp.path() / "liar.gz";
  qmf::testing::write_bytes(file, small);
  const Outcome o = decode_in_child(file, kMaxInflatedBytes);
  EXPECT_TRUE(contains(o.message, file.string() + ": corrupt gzip data")) << o.message;
  EXPECT_LE(o.peak_growth, kSlack) << "peak rose by " << o.peak_growth << " bytes";
}

TEST(GzipBound, MembersBeyondTheTrailersEstimateReadBackInOrder) {
  const TempDir tmp("qmf-gzip-bound");
  std::vector<uint8_t> all, expected;
  for (uint8_t b = 1; b <= 3; ++b) {
    // Each member larger than a chunk, the last the smallest: its trailer understates the whole.
    const size_t n = kInflateChunk + 1000 * (4 - b);
    const std::vector<uint8_t> member = gzip_member(tmp.path() / "m.gz", n, b);
    all.insert(all.end(), member.begin(), member.end());
    expected.insert(expected.end(), n, b);
  }
  const fs::path file = tmp.path() / "three.gz";
  qmf::testing::write_bytes(file, all);
  EXPECT_EQ(read_file_bytes(file, expected.size()), expected);
  EXPECT_THROW(read_file_bytes(file, expected.size() - 1), Error);
}

}  // namespace
}  // namespace qmf::data
