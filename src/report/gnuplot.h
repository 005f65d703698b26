#pragma once
// Plots are drawn by gnuplot (Debian's gnuplot-nox): we write the data and a script, gnuplot
// renders PNG and SVG. A missing or failing gnuplot is an Error naming the command.
#include <filesystem>
#include <string>

namespace qmf::report {

// Runs `script` (which may refer to files in `dir`) with gnuplot, working directory `dir`.
void run_gnuplot(const std::filesystem::path& dir, const std::string& script);

}  // namespace qmf::report
