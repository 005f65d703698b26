#pragma once
// What this build of qmf is: the project version and the git commit it was built from (read when
// CMake configured the build; "unknown" outside a git checkout). `qmf --version` prints both and
// every run's summary.json records them.
#include <string>

namespace qmf {

const std::string& version();
const std::string& build_commit();
// "qmf 0.1.0 (commit 1a2b3c4)"
std::string version_line();

}  // namespace qmf
