#include "data/fetch/temp_dir.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>  // mkdtemp (POSIX)
#include <cstring>
#include <vector>

#include "core/error.h"
#include "core/process_alive.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

// mkdtemp, not a name of our own choosing: it creates the directory atomically with mode 0700.
fs::path make_unique_dir(const fs::path& pattern) {
  const std::string text = pattern.string();
  std::vector<char> name(text.begin(), text.end());
  name.push_back('\0');
  if (mkdtemp(name.data()) == nullptr) {
    throw Error(
        fmt::format("cannot create a temporary directory {}: {}", text, std::strerror(errno)));
  }
  return name.data();
}

// The pid in ".<prefix>-<pid>-XXXXXX", or 0 when `name` is not such a directory name.
pid_t owner_pid(const std::string& name, const std::string& prefix) {
  const std::string start = "." + prefix + "-";
  if (!name.starts_with(start)) return 0;
  const size_t digits = start.size(), dash = name.find('-', digits);
  if (dash == std::string::npos || dash == digits || dash - digits > 9 ||
      name.size() - dash - 1 != 6 || name.find_first_not_of("0123456789", digits) != dash)
    return 0;
  return static_cast<pid_t>(std::stol(name.substr(digits, dash - digits)));
}

}  // namespace

TempDir::TempDir(const std::string& prefix)
    : path_(make_unique_dir(fs::temp_directory_path() / (prefix + "-XXXXXX"))) {}

TempDir::TempDir(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw Error(fmt::format("cannot create the directory {}: {}", parent.string(), ec.message()));
  path_ = make_unique_dir(parent / fmt::format(".{}-{}-XXXXXX", prefix, ::getpid()));
}

TempDir::~TempDir() {
  std::error_code ec;  // a destructor must not throw; a leftover temp dir is harmless
  fs::remove_all(path_, ec);
}

void remove_abandoned_temp_dirs(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const pid_t pid = owner_pid(entry.path().filename().string(), prefix);
    if (pid > 0 && !process_alive(pid) && entry.is_directory(ec)) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace qmf::data
