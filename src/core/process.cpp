#include "core/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/error.h"

extern char** environ;  // NOLINT: POSIX declares it nowhere

namespace qmf {
namespace {

// Enough for any tool's closing complaint; a chatty tool cannot fill the memory.
constexpr size_t kKeptOutput = size_t{64} * 1024;

// Closes the descriptors it holds however the caller leaves.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void close_write() {
    ::close(fd[1]);
    fd[1] = -1;
  }
};

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};

[[noreturn]] void cannot_start(const std::string& program, const std::filesystem::path& cwd,
                               int err) {
  if (err == ENOENT)
    throw Error(
        fmt::format("{} is not installed (install it with scripts/install-deps.sh)", program));
  throw Error(fmt::format("cannot run {} in {}: {}", program, cwd.string(), std::strerror(err)));
}

// Reads `fd` to its end, keeping the last kKeptOutput bytes.
std::string drain(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > 2 * kKeptOutput) out.erase(0, out.size() - kKeptOutput);
  }
  if (out.size() > kKeptOutput) out.erase(0, out.size() - kKeptOutput);
  return out;
}

}  // namespace

std::string command_line(const std::vector<std::string>& argv) {
  return fmt::format("{}", fmt::join(argv, " "));
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return fmt::format("failed (wait status {})", status);
}

std::string output_tail(const std::string& output, size_t max_chars) {
  std::string s =
      output.size() > max_chars ? "..." + output.substr(output.size() - max_chars) : output;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  QMF_CHECK(!argv.empty(), "run_process without a program");
  // Checked here because a missing cwd and a missing program both come back as ENOENT.
  std::error_code ec;
  if (!std::filesystem::is_directory(cwd, ec))
    throw Error(fmt::format("cannot run {} in {}: no such directory", argv[0], cwd.string()));
  Pipe out;
  if (::pipe2(out.fd, O_CLOEXEC) != 0) cannot_start(argv[0], cwd, errno);
  SpawnActions spawn;
  posix_spawn_file_actions_addchdir_np(&spawn.actions, cwd.c_str());
  posix_spawn_file_actions_addopen(&spawn.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&spawn.actions, out.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&spawn.actions, out.fd[1], STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &spawn.actions, nullptr, args.data(), environ);
  if (rc != 0) cannot_start(argv[0], cwd, rc);
  out.close_write();  // so that reading ends when the child (and its children) close theirs
  ProcessResult result;
  result.output = drain(out.fd[0]);
  while (::waitpid(pid, &result.status, 0) < 0) {
    if (errno != EINTR)
      throw Error(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
  }
  return result;
}

std::string run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                        const std::string& hint) {
  ProcessResult r = run_process(argv, cwd);
  if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) return std::move(r.output);
  const std::string tail = output_tail(r.output);
  throw Error(fmt::format("`{}` (in {}) {}; {}{}{}", command_line(argv), cwd.string(),
                          describe_status(r.status), hint, tail.empty() ? "" : "\noutput:\n",
                          tail));
}

}  // namespace qmf
