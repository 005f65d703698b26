#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/error.h"
#include "core/process_alive.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

// Names the target, not the temporary beside it: that is the path the user gave.
[[noreturn]] void fail(const fs::path& p, const char* what, int err) {
  throw Error(fmt::format("{}: cannot {}: {}", p.string(), what, std::strerror(err)));
}

[[noreturn]] void refuse(const fs::path& p, const std::string& problem) {
  throw Error(fmt::format("{}: {}", p.string(), problem));
}

// Closes and removes the temporary, then fails with the error that stopped the write.
[[noreturn]] void abandon(int fd, const fs::path& tmp, const fs::path& path, const char* what,
                          int err) {
  if (fd >= 0) ::close(fd);
  ::unlink(tmp.c_str());
  fail(path, what, err);
}

constexpr std::string_view kTemporaryTag = ".tmp-";

// Owns a file descriptor so every exit path closes it.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a file";
}

// Writes all of `bytes`; `name` is what a failure calls the destination.
void write_all(int fd, std::string_view bytes, const fs::path& name) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(name, "write", n < 0 ? errno : ENOSPC);
    done += static_cast<size_t>(n);
  }
}

// Opens were non-blocking only so as not to wait for the other end of a FIFO; the transfer
// itself should wait for it.
void make_blocking(int fd, const fs::path& path) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) fail(path, "open", errno);
}

// An existing target that is not a regular file: a device or FIFO takes the bytes as they are
// (it cannot be renamed over, and replacing the node would break it for everyone).
void write_into_special(const fs::path& path, mode_t mode, std::string_view bytes) {
  if (!S_ISCHR(mode) && !S_ISFIFO(mode)) {
    refuse(path, fmt::format("is {}; qmf writes to files, FIFOs and character devices only",
                             kind_of(mode)));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && errno == ENXIO && S_ISFIFO(mode))
    refuse(path, "is a FIFO (named pipe) that no reader has open; start the reader first");
  if (fd < 0) fail(path, "open", errno);
  const Fd owned(fd);
  make_blocking(fd, path);
  write_all(fd, bytes, path);
}

// The temporary-and-rename write; `target` is where the file goes, `path` what errors name.
void replace_atomically(const fs::path& target, const fs::path& path, std::string_view bytes) {
  const fs::path tmp = target.string() + fmt::format("{}{}", kTemporaryTag, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "create", errno);
  try {
    write_all(fd, bytes, path);
  } catch (const Error&) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::fsync(fd) != 0) abandon(fd, tmp, path, "flush", errno);
  if (::close(fd) != 0) abandon(-1, tmp, path, "flush", errno);
  if (::rename(tmp.c_str(), target.c_str()) != 0)
    abandon(-1, tmp, path, "rename into place", errno);
  // Make the rename itself durable.
  const auto dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

bool names_symlink(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// ---------------------------------------------------------------------------------------------
// Reading.

// Streams grow by this much at first, then by doubling.
constexpr size_t kReadChunk = size_t{64} << 10;

[[noreturn]] void fail_too_large(const fs::path& path, size_t max_bytes) {
  refuse(path,
         fmt::format("holds more than {} bytes, the most qmf reads from such a file", max_bytes));
}

// Opens without waiting: opening a FIFO for reading blocks until a writer comes, maybe never.
int open_for_reading(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    make_blocking(fd, path);
    return fd;
  }
  const int err = errno;
  if (err == ENOENT && names_symlink(path)) refuse(path, "is " + describe_file_kind(path));
  if (err == ENOENT) refuse(path, "no such file");
  if (err == ENXIO) refuse(path, "is " + describe_file_kind(path) + ", not a file");
  fail(path, "open", err);
}

void check_kind(const fs::path& path, mode_t mode, NonRegular non_regular) {
  if (S_ISREG(mode)) return;
  const bool stream = S_ISFIFO(mode) || S_ISCHR(mode);
  if (!stream || non_regular == NonRegular::refuse)
    refuse(path, fmt::format("is {}, not a regular file", kind_of(mode)));
}

// Reads to the end into `Bytes` (std::string or std::vector<uint8_t>). The buffer starts at a
// regular file's size and grows only as bytes arrive, so no reported size (a FIFO's, /dev/zero's,
// a /proc file's) can make it allocate more than the cap and one byte to see past it.
template <class Bytes>
Bytes read_bounded(const fs::path& path, size_t max_bytes, NonRegular non_regular) {
  const Fd fd(open_for_reading(path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path, "read", errno);
  check_kind(path, st.st_mode, non_regular);
  const bool regular = S_ISREG(st.st_mode);
  const auto size = static_cast<uintmax_t>(std::max<off_t>(st.st_size, 0));
  if (regular && size > max_bytes) fail_too_large(path, max_bytes);
  // One byte past a regular file's size, so that its end is seen in one read.
  Bytes bytes(regular ? static_cast<size_t>(size) + 1 : std::min(kReadChunk, max_bytes + 1), 0);
  size_t used = 0;
  for (;;) {
    if (used == bytes.size())
      bytes.resize(std::min(max_bytes + 1, used + std::max(used, kReadChunk)));
    const ssize_t n = ::read(fd.get(), bytes.data() + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "read", errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (used > max_bytes) fail_too_large(path, max_bytes);
  }
  // A FIFO whose writer never came reads as empty at once; taking that as an empty file would
  // hide the mistake, and an empty stream is the same whether or not the writer came.
  if (used == 0 && S_ISFIFO(st.st_mode)) {
    refuse(path,
           "nothing to read: it is a FIFO (pipe) that no writer has open, or whose writer "
           "wrote nothing");
  }
  bytes.resize(used);
  return bytes;
}

}  // namespace

bool is_atomic_temporary(const fs::path& path) {
  const std::string name = path.filename().string();
  const size_t tag = name.rfind(kTemporaryTag);
  const size_t pid = tag + kTemporaryTag.size();
  return tag != std::string::npos && tag > 0 && pid < name.size() &&
         name.find_first_not_of("0123456789", pid) == std::string::npos;
}

bool is_stale_temporary(const fs::path& path) {
  if (!is_atomic_temporary(path)) return false;
  const std::string name = path.filename().string();
  const std::string digits = name.substr(name.rfind(kTemporaryTag) + kTemporaryTag.size());
  if (digits.size() > 9) return true;  // no pid is that large
  return !process_alive(static_cast<pid_t>(std::stol(digits)));
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    write_into_special(path, st.st_mode, bytes);
    return;
  }
  if (!names_symlink(path)) {
    replace_atomically(path, path, bytes);
    return;
  }
  // Renaming over a link would turn it into a plain file; the file it points to is meant.
  std::error_code ec;
  const fs::path target = fs::canonical(path, ec);
  if (ec) refuse(path, "is " + describe_file_kind(path));
  replace_atomically(target, path, bytes);
}

void write_output(const fs::path& path_or_dash, std::string_view bytes) {
  if (path_or_dash != "-") {
    write_file_atomic(path_or_dash, bytes);
    return;
  }
  std::fflush(stdout);  // after anything printed through stdio before
  write_all(STDOUT_FILENO, bytes, "standard output");
}

std::string read_file(const fs::path& path, size_t max_bytes, NonRegular non_regular) {
  return read_bounded<std::string>(path, max_bytes, non_regular);
}

std::vector<uint8_t> read_binary_file(const fs::path& path, size_t max_bytes,
                                      NonRegular non_regular) {
  return read_bounded<std::vector<uint8_t>>(path, max_bytes, non_regular);
}

std::string describe_file_kind(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return "missing";
  if (!S_ISLNK(st.st_mode)) return kind_of(st.st_mode);
  if (::stat(path.c_str(), &st) == 0) return kind_of(st.st_mode);
  std::error_code ec;
  return fmt::format("a symbolic link to '{}', which does not exist",
                     fs::read_symlink(path, ec).string());
}

}  // namespace qmf
