#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"

namespace qmf {
namespace {

// Names the target, not the temporary beside it: that is the path the user gave.
[[noreturn]] void fail(const std::filesystem::path& p, const char* what, int err) {
  throw Error(fmt::format("{}: cannot {}: {}", p.string(), what, std::strerror(err)));
}

// Closes and removes the temporary, then fails with the error that stopped the write.
[[noreturn]] void abandon(int fd, const std::filesystem::path& tmp,
                          const std::filesystem::path& path, const char* what, int err) {
  if (fd >= 0) ::close(fd);
  ::unlink(tmp.c_str());
  fail(path, what, err);
}

constexpr std::string_view kTemporaryTag = ".tmp-";

}  // namespace

bool is_atomic_temporary(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const size_t tag = name.rfind(kTemporaryTag);
  const size_t pid = tag + kTemporaryTag.size();
  return tag != std::string::npos && tag > 0 && pid < name.size() &&
         name.find_first_not_of("0123456789", pid) == std::string::npos;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = path.string() + fmt::format("{}{}", kTemporaryTag, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "create", errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) abandon(fd, tmp, path, "write", n < 0 ? errno : ENOSPC);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) abandon(fd, tmp, path, "flush", errno);
  if (::close(fd) != 0) abandon(-1, tmp, path, "flush", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) abandon(-1, tmp, path, "rename into place", errno);
  // Make the rename itself durable.
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(fmt::format("{}: no such file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  const auto size = std::filesystem::file_size(path, ec);
  std::string bytes(ec ? 0 : size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw Error(fmt::format("{}: read failed", path.string()));
  return bytes;
}

}  // namespace qmf
