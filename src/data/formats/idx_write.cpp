#include "data/formats/idx_write.h"

#include <climits>
#include <fstream>

#include <zlib.h>

#include "core/error.h"

namespace qmf::data {
namespace {

void append_big_endian_u32(std::vector<uint8_t>& out, size_t value) {
  QMF_CHECK(value <= UINT32_MAX, "IDX header field {} does not fit in 32 bits", value);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

void write_gzip(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  // gzwrite reports the count as an int, which bounds one call.
  QMF_CHECK(bytes.size() <= INT_MAX, "{} bytes are too many for one gzwrite", bytes.size());
  gzFile gz = gzopen(file.c_str(), "wb");
  if (gz == nullptr) throw Error(fmt::format("{}: cannot open for writing", file.string()));
  const int want = static_cast<int>(bytes.size());
  const int written = want == 0 ? 0 : gzwrite(gz, bytes.data(), static_cast<unsigned>(want));
  const int closed = gzclose(gz);
  if (written != want || closed != Z_OK) {
    throw Error(fmt::format("{}: gzip write failed", file.string()));
  }
}

void write_plain(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw Error(fmt::format("{}: write failed", file.string()));
}

}  // namespace

void write_file_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  if (file.extension() == ".gz") {
    write_gzip(file, bytes);
  } else {
    write_plain(file, bytes);
  }
}

void write_idx_images(const std::filesystem::path& file, const Images& images) {
  QMF_CHECK(images.pixels.size() == images.count * images.rows * images.cols,
            "{} pixels for {} images of {}x{}", images.pixels.size(), images.count, images.rows,
            images.cols);
  std::vector<uint8_t> bytes;
  bytes.reserve(16 + images.pixels.size());
  for (size_t field : {size_t{kIdxImagesMagic}, images.count, images.rows, images.cols}) {
    append_big_endian_u32(bytes, field);
  }
  bytes.insert(bytes.end(), images.pixels.begin(), images.pixels.end());
  write_file_bytes(file, bytes);
}

void write_idx_labels(const std::filesystem::path& file, const std::vector<int>& labels) {
  std::vector<uint8_t> bytes;
  bytes.reserve(8 + labels.size());
  append_big_endian_u32(bytes, kIdxLabelsMagic);
  append_big_endian_u32(bytes, labels.size());
  for (int label : labels) {
    QMF_CHECK(label >= 0 && label <= 255, "label {} does not fit in a byte", label);
    bytes.push_back(static_cast<uint8_t>(label));
  }
  write_file_bytes(file, bytes);
}

}  // namespace qmf::data
