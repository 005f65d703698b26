#include "data/formats/idx.h"

#include "core/error.h"
#include "data/formats/file_bytes.h"

namespace qmf::data {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw Error(fmt::format("{}: {}", name, problem));
}

uint32_t big_endian_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

std::string describe_magic(uint32_t magic) {
  if (magic == kIdxImagesMagic) return "an IDX image file";
  if (magic == kIdxLabelsMagic) return "an IDX label file";
  return "not IDX uint8 data";
}

// Checks the magic number and that the file can hold the header, then returns the header's
// dimensions (magic excluded). The magic comes first: a wrong kind of file is the likelier
// mistake, and saying so beats reporting a short header.
std::vector<uint32_t> read_header(const std::string& file, std::span<const uint8_t> bytes,
                                  uint32_t magic, size_t dims) {
  if (bytes.size() >= 4) {
    const uint32_t found = big_endian_u32(bytes.data());
    if (found != magic) {
      fail(file, fmt::format("wrong magic number 0x{:08x} ({}), expected 0x{:08x} ({})", found,
                             describe_magic(found), magic, describe_magic(magic)));
    }
  }
  const size_t header = 4 * (1 + dims);
  if (bytes.size() < header) {
    fail(file, fmt::format("truncated: {} bytes, shorter than the {}-byte IDX header", bytes.size(),
                           header));
  }
  std::vector<uint32_t> sizes(dims);
  for (size_t d = 0; d < dims; ++d) sizes[d] = big_endian_u32(bytes.data() + 4 * (1 + d));
  return sizes;
}

// The payload after the header must hold exactly count records of record_size bytes.
// Compared by division so a hostile header cannot overflow the product.
void check_payload_size(const std::string& file, size_t payload, size_t count, size_t record_size,
                        const char* what) {
  if (count > payload / record_size) {
    fail(file, fmt::format("truncated: header promises {} {} of {} bytes but only {} bytes follow",
                           count, what, record_size, payload));
  }
  if (count * record_size != payload) {
    fail(file, fmt::format("{} trailing bytes after the {} {} the header promises",
                           payload - count * record_size, count, what));
  }
}

}  // namespace

Images parse_idx_images(std::span<const uint8_t> bytes, const std::string& name) {
  const std::vector<uint32_t> dims = read_header(name, bytes, kIdxImagesMagic, 3);
  Images images{.count = dims[0], .rows = dims[1], .cols = dims[2], .pixels = {}};
  if (images.count == 0) fail(name, "header says it holds 0 images");
  if (images.rows == 0 || images.cols == 0) {
    fail(name, fmt::format("header gives an empty image size {}x{}", images.rows, images.cols));
  }
  constexpr size_t kHeader = 16;
  check_payload_size(name, bytes.size() - kHeader, images.count, images.rows * images.cols,
                     "images");
  images.pixels.assign(bytes.begin() + kHeader, bytes.end());
  return images;
}

std::vector<int> parse_idx_labels(std::span<const uint8_t> bytes, const std::string& name,
                                  int max_label) {
  const size_t count = read_header(name, bytes, kIdxLabelsMagic, 1)[0];
  if (count == 0) fail(name, "header says it holds 0 labels");
  constexpr size_t kHeader = 8;
  check_payload_size(name, bytes.size() - kHeader, count, 1, "labels");
  std::vector<int> labels(bytes.begin() + kHeader, bytes.end());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] > max_label) {
      fail(name, fmt::format("label {} at index {} is outside [0, {}]", labels[i], i, max_label));
    }
  }
  return labels;
}

// Copying the pixels out of the file buffer costs one pass over them, far below the inflation.
Images read_idx_images(const std::filesystem::path& file) {
  return parse_idx_images(read_file_bytes(file), file.string());
}

std::vector<int> read_idx_labels(const std::filesystem::path& file, int max_label) {
  return parse_idx_labels(read_file_bytes(file), file.string(), max_label);
}

LabelledImages read_idx_dataset(const std::filesystem::path& images_file,
                                const std::filesystem::path& labels_file, int max_label) {
  LabelledImages data{.images = read_idx_images(images_file),
                      .labels = read_idx_labels(labels_file, max_label)};
  if (data.images.count != data.labels.size()) {
    throw Error(fmt::format("count mismatch: {} holds {} images but {} holds {} labels",
                            images_file.string(), data.images.count, labels_file.string(),
                            data.labels.size()));
  }
  return data;
}

std::filesystem::path find_data_file(const std::filesystem::path& dir, const std::string& name) {
  std::filesystem::path plain = dir / name;
  std::filesystem::path gz = dir / (name + ".gz");
  std::error_code ec;
  if (std::filesystem::exists(plain, ec)) return plain;
  if (std::filesystem::exists(gz, ec)) return gz;
  throw Error(fmt::format("missing data file {}: tried {} and {} (fetch the dataset first)", name,
                          plain.string(), gz.string()));
}

}  // namespace qmf::data
