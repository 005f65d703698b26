#pragma once
// Starts the built `qmf` binary (QMF_BINARY) as a child process that a test can kill at a moment
// of its choosing, for the crash-safety tests. run_command.h runs it to the end instead.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;  // NOLINT: POSIX declares it nowhere

namespace qmf::testing {

// How a child ended: killed by our SIGKILL, or exited on its own with `code`.
struct Ending {
  bool killed = false;
  bool exited = false;
  int code = -1;
};

// Starts `argv` (argv[0] looked up in PATH) with environment `env`, stdin /dev/null, stdout and
// stderr appended to `log`. `own_group`: in a process group of its own, which kill(-pid) ends
// whole (a launcher and the processes it started).
inline pid_t spawn_logged(std::vector<std::string> argv_strings,
                          std::vector<std::string> env_strings, const std::filesystem::path& log,
                          bool own_group = false) {
  const auto pointers = [](std::vector<std::string>& v) {
    std::vector<char*> p;
    for (auto& s : v) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
  };
  std::vector<char*> argv = pointers(argv_strings), envp = pointers(env_strings);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_strings[0]);
  return pid;
}

// Starts `qmf args...` with QMF_DATA=data_dir and stdout, stderr appended to `log`.
inline pid_t spawn_qmf(const std::vector<std::string>& args, const std::filesystem::path& data_dir,
                       const std::filesystem::path& log) {
  std::vector<std::string> env{"QMF_DATA=" + data_dir.string()};
  for (char** e = environ; *e; ++e)
    if (!std::string(*e).starts_with("QMF_DATA=")) env.emplace_back(*e);
  std::vector<std::string> argv{QMF_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return spawn_logged(std::move(argv), std::move(env), log);
}

inline Ending ending_of(int status) {
  Ending e;
  e.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  e.exited = WIFEXITED(status);
  e.code = e.exited ? WEXITSTATUS(status) : -1;
  return e;
}

// Lets the child run for `delay`, then kills it with SIGKILL unless it has already ended.
// A child that exits just as the signal is sent counts as exited: the wait status says which.
inline Ending kill_after(pid_t pid, std::chrono::microseconds delay) {
  const auto deadline = std::chrono::steady_clock::now() + delay;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return ending_of(status);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, SIGKILL);  // the child is ours and unreaped, so the pid cannot have been reused
  waitpid(pid, &status, 0);
  return ending_of(status);
}

// Waits for the child to end on its own.
inline Ending wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return ending_of(status);
}

}  // namespace qmf::testing
