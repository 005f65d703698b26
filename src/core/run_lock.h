#pragma once
// A directory claimed by one process at a time: an flock(2) on a lock file inside it, held for
// as long as the claim lives. The kernel drops the lock however the process ends (exit, crash,
// SIGKILL), so a lock file left by a dead process never blocks anyone: the next claim takes it
// over. The file holds the holder's pid and command line, which a refused claim quotes.
#include <filesystem>
#include <string_view>

namespace qmf {

class DirLock {
 public:
  static constexpr std::string_view kFileName = ".qmf.lock";

  // Locks `dir`, which must exist. Throws Error naming the holder (pid and command) when another
  // process, or another DirLock of this one, holds it.
  explicit DirLock(const std::filesystem::path& dir);
  ~DirLock();  // release()
  DirLock(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  DirLock& operator=(DirLock&&) = delete;

  // Removes the lock file, then drops the lock; nothing once released.
  void release();

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

// mkdir(2) of `dir` alone (not its parents): true when this call created it, false when
// something of that name was there already. Exactly one of several processes racing to create
// the same name gets true. Any other failure is an Error naming `dir`.
bool create_directory_exclusive(const std::filesystem::path& dir);

}  // namespace qmf
