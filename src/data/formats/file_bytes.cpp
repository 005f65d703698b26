#include "data/formats/file_bytes.h"

#include <algorithm>
#include <cstdint>
#include <string>

#define ZLIB_CONST
#include <zlib.h>

#include "core/atomic_file.h"
#include "core/error.h"

namespace qmf::data {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw Error(fmt::format("{}: {}", name, problem));
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

// Every gzip member of `in` in turn (concatenated members are joined, as gunzip does), inflated
// into whatever buffers the caller hands over.
class GzipReader {
 public:
  GzipReader(const std::string& file, std::span<const uint8_t> in)
      : file_(file), in_(in), zs_(file) {}

  // Fills out[0, n) and returns how many bytes it wrote: fewer than n only at the end of the data.
  size_t read(uint8_t* out, size_t n) {
    // avail_in/avail_out are 32-bit, so huge buffers are fed in slices.
    constexpr size_t kSlice = size_t{1} << 30;
    size_t out_pos = 0;
    while (!done_ && out_pos < n) {
      zs_->next_in = in_.data() + in_pos_;
      zs_->avail_in = static_cast<uInt>(std::min(in_.size() - in_pos_, kSlice));
      zs_->next_out = out + out_pos;
      zs_->avail_out = static_cast<uInt>(std::min(n - out_pos, kSlice));
      const uInt offered_in = zs_->avail_in, offered_out = zs_->avail_out;
      const int ret = inflate(zs_.get(), Z_NO_FLUSH);
      const size_t consumed = offered_in - zs_->avail_in, produced = offered_out - zs_->avail_out;
      in_pos_ += consumed;
      out_pos += produced;
      if (ret == Z_STREAM_END) {
        done_ = in_pos_ == in_.size();
        if (!done_) inflateReset(zs_.get());  // another gzip member follows
        continue;
      }
      if (ret != Z_OK && ret != Z_BUF_ERROR) {
        fail(file_, fmt::format("corrupt gzip data ({})",
                                zs_->msg != nullptr ? zs_->msg : "unknown zlib error"));
      }
      if (consumed == 0 && produced == 0) fail(file_, "truncated gzip data (stream ends early)");
    }
    return out_pos;
  }

  bool done() const { return done_; }

 private:
  const std::string& file_;
  std::span<const uint8_t> in_;
  Inflater zs_;
  size_t in_pos_ = 0;
  bool done_ = false;
};

[[noreturn]] void fail_past_cap(const std::string& file, size_t max_inflated) {
  fail(file, fmt::format("gzip data inflates past {} bytes, the limit for a compressed data file; "
                         "store it uncompressed",
                         max_inflated));
}

// The size the last member's trailer promises (ISIZE: the size mod 2^32), believed no further
// than the cap and than deflate's best ratio (about 1032:1) allows.
size_t first_estimate(std::span<const uint8_t> in, size_t max_inflated) {
  constexpr size_t kMaxDeflateRatio = 1032;
  if (in.size() < 4) return 0;
  const uint8_t* t = in.data() + in.size() - 4;
  const size_t isize = t[0] | size_t{t[1]} << 8 | size_t{t[2]} << 16 | size_t{t[3]} << 24;
  const size_t plausible =
      in.size() > SIZE_MAX / kMaxDeflateRatio ? SIZE_MAX : in.size() * kMaxDeflateRatio;
  return std::min({isize, max_inflated, plausible});
}

// Inflates what `gz` has left into one scratch chunk at a time and returns how much that was,
// failing as soon as it passes `budget`: memory stays at one chunk, however much the data holds.
size_t count_rest(GzipReader& gz, const std::string& file, size_t budget, size_t max_inflated) {
  std::vector<uint8_t> chunk(kInflateChunk);
  size_t total = 0;
  while (!gz.done()) {
    const size_t room = budget - total;
    total += gz.read(chunk.data(), room < chunk.size() ? room + 1 : chunk.size());
    if (total > budget) fail_past_cap(file, max_inflated);
  }
  return total;
}

// Memory never exceeds the cap and one chunk (plus the input): the output buffer is sized once
// from the trailer's estimate; data beyond it is only counted, and when it all fits the cap the
// buffer is freed and the data inflated again into one of the exact size. The second pass is
// needed only when the last member's trailer understates the whole (several members, or over
// 4 GiB), which real data files do not do.
std::vector<uint8_t> gunzip(const std::string& file, std::span<const uint8_t> in,
                            size_t max_inflated) {
  std::vector<uint8_t> out(first_estimate(in, max_inflated));
  size_t total = 0;
  {
    GzipReader gz(file, in);
    const size_t got = gz.read(out.data(), out.size());
    if (gz.done()) {
      out.resize(got);  // below the estimate only with a trailer zlib would have rejected
      return out;
    }
    const size_t rest = count_rest(gz, file, max_inflated - got, max_inflated);
    if (rest == 0) return out;  // the buffer filled just as the data ended
    total = got + rest;
  }
  out = std::vector<uint8_t>();
  out.resize(total);
  GzipReader gz(file, in);
  gz.read(out.data(), out.size());
  return out;
}

}  // namespace

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& file, size_t max_inflated) {
  std::vector<uint8_t> bytes = read_binary_file(file, kMaxBinaryFileBytes, NonRegular::refuse);
  return is_gzip(bytes) ? gunzip(file.string(), bytes, max_inflated) : bytes;
}

std::vector<uint8_t> decode_file_bytes(std::span<const uint8_t> bytes, const std::string& name,
                                       size_t max_inflated) {
  if (is_gzip(bytes)) return gunzip(name, bytes, max_inflated);
  return {bytes.begin(), bytes.end()};
}

}  // namespace qmf::data
