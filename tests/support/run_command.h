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
    std::string s = exited ? "exit " : "killed by signal ";
    s += std::to_string(exited ? code : WTERMSIG(status));
    s += "\n--- stdout ---\n";
    s += out;
    s += "\n--- stderr ---\n";
    s += err;
    return s;
  }
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

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
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& here.
  std::string cmd = "cd ";
  cmd += shell_quote(cwd.string());
  cmd += " && exec env ";
  cmd += shell_quote(std::string("QMF_DATA=").append(data_dir.string()));
  cmd += " ";
  cmd += shell_quote(QMF_BINARY);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " </dev/null >";
  cmd += shell_quote(out.string());
  cmd += " 2>";
  cmd += shell_quote(err.string());
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
