#include "core/staged_dir.h"

#include <fcntl.h>  // AT_FDCWD
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>  // ::rename, ::renameat2 and RENAME_EXCHANGE (glibc >= 2.28)
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/process_alive.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTags[] = {"partial", "old"};  // staging, and a previous copy moved aside

[[noreturn]] void fail(const fs::path& p, const std::string& what, int err) {
  throw Error(fmt::format("{}: cannot {}: {}", p.string(), what, std::strerror(err)));
}

std::string sibling_prefix(const fs::path& target, std::string_view tag) {
  return fmt::format(".{}.{}-", target.filename().string(), tag);
}

// ".<name>.<tag>-<pid>-<n>", made by mkdir so that it gets the mode of any new directory (the
// umask applies, unlike mkdtemp's 0700). The pid keeps processes apart, n the StagedDirs of one
// process; a name still taken (by a leftover of a dead process of the same pid) is skipped.
fs::path make_sibling_dir(const fs::path& target, const char* tag) {
  static std::atomic<unsigned> next{0};
  const std::string prefix = sibling_prefix(target, tag) + std::to_string(::getpid()) + "-";
  for (;;) {
    fs::path dir = target.parent_path() / (prefix + std::to_string(next++));
    if (::mkdir(dir.c_str(), 0777) == 0) return dir;
    if (errno != EEXIST) fail(dir, "create a directory", errno);
  }
}

// The pid in a sibling `name` that make_sibling_dir made for target; none for any other name.
std::optional<pid_t> writer_pid(const fs::path& target, std::string_view name) {
  for (const char* tag : kTags) {
    const std::string prefix = sibling_prefix(target, tag);
    if (!name.starts_with(prefix)) continue;
    const std::string_view rest = name.substr(prefix.size());
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc{} || end == rest.data() || end == rest.data() + rest.size() || *end != '-')
      return std::nullopt;
    return pid;
  }
  return std::nullopt;
}

// Removes what StagedDirs of target in processes that are gone (killed mid-way) left beside it.
// Best effort: a leftover that cannot be removed does not stop this run.
void remove_dead_siblings(const fs::path& target) {
  const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::optional<pid_t> pid = writer_pid(target, it->path().filename().string());
    std::error_code ignored;
    if (pid && !process_alive(*pid)) fs::remove_all(it->path(), ignored);
  }
}

}  // namespace

StagedDir::StagedDir(const fs::path& target) : target_(target) {
  if (target_.filename().empty()) target_ = target_.parent_path();  // "out/" -> "out"
  std::error_code ec;
  if (!target_.parent_path().empty()) fs::create_directories(target_.parent_path(), ec);
  if (ec) fail(target_.parent_path(), "create the directory", ec.value());
  remove_dead_siblings(target_);
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
