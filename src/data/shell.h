#pragma once
// Running the external tools that fetch datasets (npm, apt-get, dpkg-deb, tar).
#include <filesystem>
#include <string>

namespace qmf::data {

// The argument as one single-quoted word for /bin/sh.
std::string shell_quote(const std::string& word);

// Runs `command` through /bin/sh in directory `cwd` with its output captured to a log file
// there. On failure throws qmf::Error naming the command, its exit status, the last lines of
// its output and `hint` (what the user should check).
void run_command(const std::string& command, const std::filesystem::path& cwd,
                 const std::string& hint);

}  // namespace qmf::data
