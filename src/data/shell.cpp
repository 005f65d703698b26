#include "data/shell.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace qmf::data {
namespace {

// The end of the command's log, where tools put the line that says what went wrong.
std::string log_tail(const std::filesystem::path& log, size_t max_chars = 2000) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string describe_status(int status) {
  if (status == -1) return "could not be started";
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    if (code == 127) return "exited with status 127 (command not found?)";
    return fmt::format("exited with status {}", code);
  }
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return fmt::format("failed (wait status {})", status);
}

}  // namespace

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

void run_command(const std::string& command, const std::filesystem::path& cwd,
                 const std::string& hint) {
  const std::filesystem::path log = cwd / "qmf-command.log";
  const std::string line = fmt::format("cd {} && ( {} ) >{} 2>&1", shell_quote(cwd.string()),
                                       command, shell_quote(log.string()));
  const int status = std::system(line.c_str());
  if (status == 0) return;
  const std::string output = log_tail(log);
  throw Error(fmt::format("`{}` {}; {}{}{}", command, describe_status(status), hint,
                          output.empty() ? "" : "\noutput:\n", output));
}

}  // namespace qmf::data
