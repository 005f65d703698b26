#include "core/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include "core/error.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

// "qmf train --out runs/a": the holder's command as the user typed it, program by its name.
std::string command_line() {
  std::string raw;
  const int fd = ::open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  char buf[4096];
  for (ssize_t n = 0; fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0;)
    raw.append(buf, static_cast<size_t>(n));
  if (fd >= 0) ::close(fd);
  std::string words;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string word = raw.substr(start, end - start);
    if (words.empty()) word = fs::path(word).filename().string();
    words += (words.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return words.empty() ? "qmf" : words;
}

// What the holder wrote into the lock file. It writes just after it locks, so a claim refused in
// between finds the file empty for a moment: wait briefly for the name rather than report none.
std::string holder_of(int fd) {
  char buf[1024];
  for (int attempt = 0; attempt < 50; ++attempt) {
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      std::string text(buf, static_cast<size_t>(n));
      while (!text.empty() && text.back() == '\n') text.pop_back();
      return text;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return "another process (it has not written its name yet)";
}

// Whether the open file is still the one at `path`: a holder removes the file as it lets go, and
// a lock won on the removed file excludes nobody who opens the path afterwards.
bool still_at(int fd, const fs::path& path) {
  struct stat opened = {};
  struct stat named = {};
  return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
         opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

[[noreturn]] void fail(const fs::path& dir, const char* what, int err) {
  throw Error(fmt::format("{}: cannot {}: {}", dir.string(), what, std::strerror(err)));
}

}  // namespace

DirLock::DirLock(const fs::path& dir) : file_(dir / kFileName) {
  for (;;) {
    fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(dir, "create its lock file", errno);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = err == EWOULDBLOCK ? holder_of(fd_) : "";
      ::close(fd_);
      fd_ = -1;
      if (err != EWOULDBLOCK) fail(dir, "lock", err);
      throw Error(
          fmt::format("{} is in use by {}; a run or study directory takes one qmf at a time",
                      dir.string(), holder));
    }
    if (still_at(fd_, file_)) break;
    ::close(fd_);  // another process holds, or will, the file now at the path: try that one
  }
  // The name is only for the message of a refused claim: a failed write leaves the lock intact.
  const std::string holder = fmt::format("pid {} ({})\n", ::getpid(), command_line());
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, holder.data(), holder.size(), 0);
}

DirLock::DirLock(DirLock&& other) noexcept
    : file_(std::move(other.file_)), fd_(std::exchange(other.fd_, -1)) {}

DirLock::~DirLock() { release(); }

void DirLock::release() {
  if (fd_ < 0) return;
  // Unlinked while still locked: whoever opened it meanwhile sees it is gone once it locks.
  ::unlink(file_.c_str());
  ::close(fd_);
  fd_ = -1;
}

bool create_directory_exclusive(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0) return true;
  if (errno == EEXIST) return false;
  fail(dir, "create the directory", errno);
}

}  // namespace qmf
