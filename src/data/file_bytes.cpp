#include "data/file_bytes.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <string>

#define ZLIB_CONST
#include <zlib.h>

#include "core/error.h"

namespace qmf::data {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw Error(fmt::format("{}: {}", name, problem));
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& problem) {
  fail(file.string(), problem);
}

std::vector<uint8_t> read_raw(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) fail(file, "not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, fmt::format("cannot open: {}", std::strerror(errno)));
  std::vector<uint8_t> bytes(std::filesystem::file_size(file, ec));
  if (ec) fail(file, fmt::format("cannot get its size: {}", ec.message()));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<size_t>(in.gcount()) != bytes.size()) fail(file, "read failed");
  return bytes;
}

bool is_gzip(std::span<const uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

// Owns a zlib inflate stream so every exit path releases it.
class Inflater {
 public:
  explicit Inflater(const std::string& file) {
    // 16 + MAX_WBITS: expect a gzip header and trailer, not a raw zlib stream.
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) fail(file, "cannot start gzip decoder");
  }
  ~Inflater() { inflateEnd(&zs_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* operator->() { return &zs_; }
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
};

std::vector<uint8_t> gunzip(const std::string& file, std::span<const uint8_t> in,
                            size_t max_inflated) {
  Inflater zs(file);
  // One byte past the cap, so that reaching it is distinguishable from fitting exactly.
  const size_t limit = max_inflated + 1;
  std::vector<uint8_t> out(std::min(limit, std::max<size_t>(in.size() * 4, 1 << 16)));
  size_t in_pos = 0;
  size_t out_pos = 0;
  // avail_in/avail_out are 32-bit, so huge buffers are fed in slices.
  constexpr size_t kSlice = size_t{1} << 30;
  for (;;) {
    if (out_pos == out.size()) out.resize(std::min(limit, out.size() * 2));
    zs->next_in = in.data() + in_pos;
    zs->avail_in = static_cast<uInt>(std::min(in.size() - in_pos, kSlice));
    zs->next_out = out.data() + out_pos;
    zs->avail_out = static_cast<uInt>(std::min(out.size() - out_pos, kSlice));
    const uInt offered = zs->avail_in;
    const int ret = inflate(zs.get(), Z_NO_FLUSH);
    in_pos += offered - zs->avail_in;
    out_pos = static_cast<size_t>(zs->next_out - out.data());
    if (out_pos > max_inflated) {
      fail(file, fmt::format("gzip data inflates past {} bytes, the limit for a compressed data "
                             "file; store it uncompressed",
                             max_inflated));
    }
    if (ret == Z_STREAM_END) {
      if (in_pos == in.size()) break;
      inflateReset(zs.get());  // another gzip member follows
      continue;
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR) {
      fail(file, fmt::format("corrupt gzip data ({})",
                             zs->msg != nullptr ? zs->msg : "unknown zlib error"));
    }
    const bool out_full = zs->avail_out == 0;
    if (in_pos == in.size() && !out_full) fail(file, "truncated gzip data (stream ends early)");
  }
  out.resize(out_pos);
  return out;
}

}  // namespace

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& file, size_t max_inflated) {
  std::vector<uint8_t> bytes = read_raw(file);
  return is_gzip(bytes) ? gunzip(file.string(), bytes, max_inflated) : bytes;
}

std::vector<uint8_t> decode_file_bytes(std::span<const uint8_t> bytes, const std::string& name,
                                       size_t max_inflated) {
  if (is_gzip(bytes)) return gunzip(name, bytes, max_inflated);
  return {bytes.begin(), bytes.end()};
}

}  // namespace qmf::data
