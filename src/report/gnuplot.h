#pragma once
// Plots are drawn by gnuplot (Debian's gnuplot-nox): we write the data and a script, gnuplot
// renders PNG and SVG. A figure appears under its name only complete: gnuplot draws each into a
// temporary name, and it is checked (PNG signature and end chunk, SVG closing tag, not empty)
// and flushed before it is renamed into place. A missing or failing gnuplot, or a figure it
// could not finish (a full disk), is an Error naming the figure; no partial file is left.
#include <filesystem>
#include <string>

namespace qmf::report {

// Runs `script` with gnuplot, working directory `dir`; the script is also kept as dir/plot.gp.
// The script refers to files in `dir` by plain relative names and names each figure it draws
// with a line of its own, `set output 'NAME'` (NAME without quotes or '/').
void run_gnuplot(const std::filesystem::path& dir, const std::string& script);
// The same, keeping the script as dir/`script_file` (a plain file name).
void run_gnuplot(const std::filesystem::path& dir, const std::string& script,
                 const std::string& script_file);

// `text` as a gnuplot single-quoted string: any quote inside is doubled.
std::string gnuplot_quoted(const std::string& text);

}  // namespace qmf::report
