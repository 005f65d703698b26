#pragma once
// Progress of an epoch: a redrawn bar on a terminal, a few plain lines otherwise.
//
// On a terminal the bar is one line no wider than the terminal (TIOCGWINSZ on the stream, else
// $COLUMNS, else 80, asked again at each epoch's start): as the width shrinks it drops samples/s,
// then accuracy, then loss, then the bar itself, then the ETA, and never wraps. Longer messages
// given as fields (the run's header, the epoch-end line) are broken into lines that fit. Without
// a terminal (logs, pipes, CI) there are no carriage returns or escapes: a plain line at 25, 50
// and 75 % of each epoch, with the ETA, and each message on one line of its own, so a log keeps
// one line per event for grep.
//
// Rates and ETAs count only the samples trained by this process: an epoch resumed from a
// mid-epoch checkpoint starts with `first` samples done, which took no time here.
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace qmf::train {

// What the bar and the plain lines show at one moment.
struct ProgressFigures {
  std::string label;  // "epoch 3/10"
  size_t done = 0;    // samples of the epoch done, those a resume skipped included
  size_t total = 0;
  double loss = 0, accuracy = 0;  // running means over the samples trained in the epoch
  double rate = 0;                // samples/s trained by this process; 0: not known yet
  double eta = -1;                // seconds left; negative: not known yet
};

// The figures at `done` samples, `seconds` after this process began the epoch at `first`.
ProgressFigures progress_figures(std::string label, size_t first, size_t done, size_t total,
                                 double loss, double accuracy, double seconds);

// The redrawn line, at most width - 1 characters (a line filling a terminal's last column makes
// some terminals wrap); fields are dropped as the width shrinks (see above).
std::string bar_line(const ProgressFigures& f, int width);
// Every field, for a log; `percent` is the mark the line announces (the quarter crossed), or
// negative for the figures' own.
std::string plain_line(const ProgressFigures& f, double percent = -1);
// `fields` joined by `sep` into lines of at most `width` characters: a field that does not fit
// on the line starts the next one (indented by two spaces), and a field longer than a line is
// broken at spaces (or, a word longer than a line, cut).
std::vector<std::string> wrap_fields(const std::vector<std::string>& fields, int width,
                                     std::string_view sep);
// The width of the terminal on `fd`: TIOCGWINSZ, else $COLUMNS, else 80.
int terminal_width(int fd);

struct ProgressOptions {
  bool terminal = false;
  std::string prefix;             // before every line ("rank 1: " when ranks share a log)
  int width = 0;                  // 0: ask the terminal (terminal_width) at each epoch's start
  std::function<double()> clock;  // seconds on a steady clock; empty: std::chrono::steady_clock
};

class Progress {
 public:
  // A bar when `out` is a terminal; nothing at all when it is null (the ranks of a job but one).
  explicit Progress(std::FILE* out);
  Progress(std::FILE* out, ProgressOptions options);
  // `first`: samples of the epoch already trained before this process (a mid-epoch resume).
  void start(std::string label, size_t total, size_t first = 0);
  void update(size_t done, double loss, double accuracy);
  // A message on a line of its own, as given.
  void finish(const std::string& line);
  // A message of several fields: on a terminal wrapped to its width (wrap_fields), otherwise one
  // line.
  void finish_fields(const std::vector<std::string>& fields, std::string_view sep = "  ");

 private:
  double now() const;
  void end_bar();
  int line_width() const;  // the terminal's width, less the prefix
  void print(std::string_view text) const;

  std::FILE* out_;
  ProgressOptions options_;
  int width_ = 80;
  std::string label_;
  size_t total_ = 0, first_ = 0;
  int quarter_ = 0;
  bool drawn_ = false;  // a bar is on the current line
  double start_ = 0, last_draw_ = 0;
};

}  // namespace qmf::train
