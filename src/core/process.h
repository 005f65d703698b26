#pragma once
// The one way QMF runs an external program (npm, tar, apt-get, dpkg-deb, gnuplot): by argument
// vector, never through a shell, so no path or name of the user's is ever parsed as a command.
// stdin is /dev/null; stdout and stderr go, together, into one bounded capture.
#include <filesystem>
#include <string>
#include <vector>

namespace qmf {

struct ProcessResult {
  int status = 0;      // the wait status (sys/wait.h)
  std::string output;  // stdout and stderr interleaved; only the end of a long output
};

// Runs argv[0] (looked up in PATH) with the arguments argv[1..] in directory `cwd`. Throws Error
// when it cannot be started: "X is not installed" for a program that is not in PATH.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd);

// The program and its arguments as one line for messages (not for a shell).
std::string command_line(const std::vector<std::string>& argv);
// "exited with status 1", "was killed by signal 9".
std::string describe_status(int status);
// The last `max_chars` of `output` without trailing blanks, for a message.
std::string output_tail(const std::string& output, size_t max_chars = 2000);

// As run_process, and a status other than exit 0 is an Error naming the command, its status,
// `hint` (what the user should check) and the end of its output. Returns the output.
std::string run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                        const std::string& hint);

}  // namespace qmf
