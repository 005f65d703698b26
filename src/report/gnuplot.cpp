#include "report/gnuplot.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <string_view>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/process.h"

namespace qmf::report {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kOutputLine = "set output '";

// A figure the script draws: gnuplot writes `temporary`, which becomes `name` once checked.
struct Figure {
  std::string name;
  std::string temporary;  // ".NAME.tmp-<pid>": an atomic temporary, so stale ones are known
};

// Removes what the run leaves behind however it ends: the renamed figures are already gone.
struct Leftovers {
  std::vector<fs::path> paths;
  ~Leftovers() {
    std::error_code ec;
    for (const fs::path& p : paths) fs::remove(p, ec);
  }
};

// The script with each figure drawn under its temporary name, and the figures.
std::string with_temporary_outputs(const std::string& script, std::vector<Figure>& figures) {
  std::istringstream lines(script);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(kOutputLine) && line.size() > kOutputLine.size() && line.back() == '\'') {
      const std::string name =
          line.substr(kOutputLine.size(), line.size() - kOutputLine.size() - 1);
      QMF_CHECK(!name.empty() && name.find_first_of("'/") == std::string::npos,
                "gnuplot output '{}' is not a plain file name", name);
      figures.push_back({name, fmt::format(".{}.tmp-{}", name, ::getpid())});
      line = fmt::format("{}{}'", kOutputLine, figures.back().temporary);
    }
    out += line + '\n';
  }
  return out;
}

// gnuplot reports a failed command as `"script" line N: message` and a warning as `... line N:
// warning: ...` or `Warning: ...`; a system or cairo error may come on a line of its own.
bool reports_error(const std::string& output) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::transform(line.begin(), line.end(), line.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (line.find("warning") != std::string::npos) continue;
    if ((line.starts_with("\"") && line.find("\" line ") != std::string::npos) ||
        line.find("error:") != std::string::npos || line.find("cannot") != std::string::npos ||
        line.find("can't") != std::string::npos)
      return true;
  }
  return false;
}

// Why `bytes` is not a whole figure of `name`'s kind, or "" when it is one. A PNG is cut short
// unless it ends with its IEND chunk; an SVG unless its root element is closed.
std::string incomplete(const std::string& name, const std::string& bytes) {
  static constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
  static constexpr std::string_view kPngEnd("\0\0\0\0IEND\xae\x42\x60\x82", 12);
  if (bytes.empty()) return "it is empty";
  if (name.ends_with(".png") && (!bytes.starts_with(kPngSignature) || !bytes.ends_with(kPngEnd)))
    return "it is not a complete PNG image";
  if (name.ends_with(".svg") && bytes.find("</svg>") == std::string::npos)
    return "it is not a complete SVG image (no </svg>)";
  return "";
}

void check_figure(const fs::path& dir, const Figure& f) {
  const fs::path drawn = dir / f.temporary;
  std::error_code ec;
  if (!fs::is_regular_file(drawn, ec))
    throw Error(fmt::format("gnuplot did not draw {}", (dir / f.name).string()));
  const std::string why = incomplete(f.name, read_file(drawn));
  if (!why.empty())
    throw Error(fmt::format("gnuplot did not finish {} ({}; is the disk full?)",
                            (dir / f.name).string(), why));
}

[[noreturn]] void fail_install(const fs::path& target, const char* what, int err) {
  throw Error(fmt::format("{}: cannot {}: {}", target.string(), what, std::strerror(err)));
}

// fsync, then rename over the target: the figure is there whole or not at all.
void install_figure(const fs::path& dir, const Figure& f) {
  const fs::path drawn = dir / f.temporary, target = dir / f.name;
  const int fd = ::open(drawn.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_install(target, "open the drawn figure", errno);
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!synced) fail_install(target, "flush", err);
  if (::rename(drawn.c_str(), target.c_str()) != 0)
    fail_install(target, "rename into place", errno);
}

// gnuplot's messages name the script and figures it was given: put back the names the user sees.
std::string in_user_terms(std::string output, const std::string& script_name,
                          const std::string& script_file, const std::vector<Figure>& figures) {
  const auto replace_all = [&](const std::string& from, const std::string& to) {
    for (size_t at = output.find(from); at != std::string::npos;
         at = output.find(from, at + to.size()))
      output.replace(at, from.size(), to);
  };
  replace_all(script_name, script_file);
  for (const Figure& f : figures) replace_all(f.temporary, f.name);
  return output;
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the figures are in place; only their durability is less certain
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string gnuplot_quoted(const std::string& text) {
  std::string q = "'";
  for (char ch : text) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

void run_gnuplot(const fs::path& dir, const std::string& script) {
  run_gnuplot(dir, script, "plot.gp");
}

void run_gnuplot(const fs::path& dir, const std::string& script, const std::string& script_file) {
  write_file_atomic(dir / script_file, script);
  std::vector<Figure> figures;
  const std::string drawing = with_temporary_outputs(script, figures);
  const std::string script_name = fmt::format(".{}.tmp-{}", script_file, ::getpid());
  Leftovers leftovers{{dir / script_name}};
  for (const Figure& f : figures) leftovers.paths.push_back(dir / f.temporary);
  write_file_atomic(dir / script_name, drawing);
  // The script is passed by a relative name and run in `dir`: the path never enters a shell
  // or the script.
  const ProcessResult r = run_process({"gnuplot", script_name}, dir);
  const bool exited_0 = WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0;
  if (!exited_0 || reports_error(r.output))
    throw Error(
        fmt::format("gnuplot {} drawing the figures of {} (script {}):\n{}",
                    exited_0 ? "reported an error" : describe_status(r.status), dir.string(),
                    (dir / script_file).string(),
                    output_tail(in_user_terms(r.output, script_name, script_file, figures))));
  for (const Figure& f : figures) check_figure(dir, f);
  for (const Figure& f : figures) install_figure(dir, f);
  sync_directory(dir);
}

}  // namespace qmf::report
