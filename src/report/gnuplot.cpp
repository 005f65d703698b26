#include "report/gnuplot.h"

#include <sys/wait.h>

#include <cstdlib>

#include "core/atomic_file.h"
#include "core/error.h"

namespace qmf::report {

void run_gnuplot(const std::filesystem::path& dir, const std::string& script) {
  const auto file = dir / "plot.gp";
  write_file_atomic(file, script);
  const std::string cmd = fmt::format("cd '{}' && gnuplot plot.gp > plot.log 2>&1", dir.string());
  const int status = std::system(cmd.c_str());
  if (status != 0) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    throw Error(fmt::format("gnuplot failed (exit {}){}; see {} (install it with "
                            "scripts/install-deps.sh)", code,
                            code == 127 ? ": gnuplot is not installed" : "",
                            (dir / "plot.log").string()));
  }
  std::filesystem::remove(dir / "plot.log");
}

}  // namespace qmf::report
