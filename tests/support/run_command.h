#pragma once
// Runs the built `qmf` binary (QMF_BINARY) as a user would, capturing its exit status, stdout
// and stderr, for the command-line tests.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/train_support.h"

namespace qmf::testing {

struct CommandResult {
  int status = -1;      // raw wait status from std::system
  bool exited = false;  // a normal exit (not a signal such as SIGSEGV or SIGABRT)
  int code = -1;        // the exit code when exited
  std::string out, err;
  std::string describe() const {
    return "exit " + (exited ? std::to_string(code) : "by signal " + std::to_string(WTERMSIG(status))) +
           "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
  }
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `qmf args...` in `cwd` with QMF_DATA pointing at `data_dir`, the shell replaced by the
// program (exec) so that a crash shows as a signal, not as the shell's exit code 128+n.
inline CommandResult run_qmf(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                             const std::filesystem::path& data_dir) {
  const std::filesystem::path out = cwd / ".qmf-test-stdout", err = cwd / ".qmf-test-stderr";
  std::string cmd = "cd " + shell_quote(cwd.string()) + " && exec env " +
                    shell_quote("QMF_DATA=" + data_dir.string()) + " " + shell_quote(QMF_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " </dev/null >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  CommandResult r;
  r.status = std::system(cmd.c_str());
  r.exited = r.status != -1 && WIFEXITED(r.status);
  r.code = r.exited ? WEXITSTATUS(r.status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::error_code ec;
  std::filesystem::remove(out, ec);
  std::filesystem::remove(err, ec);
  return r;
}

}  // namespace qmf::testing
