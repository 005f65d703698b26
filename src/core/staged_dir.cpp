#include "core/staged_dir.h"

#include <fcntl.h>  // AT_FDCWD

#include <cerrno>
#include <cstdio>   // ::rename, ::renameat2 and RENAME_EXCHANGE (glibc >= 2.28)
#include <cstdlib>  // ::mkdtemp
#include <cstring>
#include <string>

#include "core/error.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& p, const std::string& what, int err) {
  throw Error(fmt::format("{}: cannot {}: {}", p.string(), what, std::strerror(err)));
}

// A sibling name that no other process will pick: ".<name>.<tag>-XXXXXX" made by mkdtemp.
fs::path make_sibling_dir(const fs::path& target, const char* tag) {
  std::string pattern =
      (target.parent_path() / fmt::format(".{}.{}-XXXXXX", target.filename().string(), tag))
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) fail(pattern, "create a directory", errno);
  return pattern;
}

}  // namespace

StagedDir::StagedDir(const fs::path& target) : target_(fs::absolute(target)) {
  if (target_.filename().empty()) target_ = target_.parent_path();  // "out/" -> "out"
  std::error_code ec;
  fs::create_directories(target_.parent_path(), ec);
  if (ec) fail(target_.parent_path(), "create the directory", ec.value());
  staging_ = make_sibling_dir(target_, "partial");
}

StagedDir::~StagedDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);  // best effort: a destructor must not throw
}

void StagedDir::commit() {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target_, ec))) {
    if (::rename(staging_.c_str(), target_.c_str()) != 0) fail(target_, "rename into place", errno);
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) !=
             0) {
    // No atomic exchange here (EINVAL: the file system does not support it): move the old copy
    // aside, then the new one in.
    const fs::path old = make_sibling_dir(target_, "old");
    const fs::path aside = old / "previous";
    if (::rename(target_.c_str(), aside.c_str()) != 0) fail(target_, "move aside", errno);
    if (::rename(staging_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      ::rename(aside.c_str(), target_.c_str());  // put the old copy back
      fail(target_, "rename into place", err);
    }
    staging_ = old;  // now holds the previous copy: removed below
  }
  committed_ = true;
  // After the exchange, staging_ names the previous copy.
  fs::remove_all(staging_, ec);
}

}  // namespace qmf
