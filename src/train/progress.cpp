#include "train/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

namespace qmf::train {
namespace {

constexpr int kDefaultWidth = 80;
constexpr int kMinBar = 10, kMaxBar = 30;
constexpr double kRedrawSeconds = 0.1;

std::string clock_text(double seconds) {
  const long s = std::lround(seconds);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

double fraction(const ProgressFigures& f) {
  return f.total ? static_cast<double>(f.done) / static_cast<double>(f.total) : 1.0;
}

std::string eta_text(const ProgressFigures& f) {
  return f.eta < 0 ? std::string("ETA --:--") : "ETA " + clock_text(f.eta);
}

std::string rate_text(const ProgressFigures& f) {
  return f.rate > 0 ? fmt::format("{:.0f} samples/s", f.rate) : std::string("-- samples/s");
}

// The bar's optional fields, in the order they are dropped as the width shrinks.
enum Optional { kRate, kAccuracy, kLoss, kBar, kEta, kPercent, kOptionals };

std::string compose(const ProgressFigures& f, int dropped, int bar_width) {
  const auto kept = [dropped](int field) { return field >= dropped; };
  std::string line = f.label;
  if (kept(kBar) && bar_width > 0) {
    const int filled = std::clamp(static_cast<int>(fraction(f) * bar_width), 0, bar_width);
    line += fmt::format(" [{}{}]", std::string(filled, '='), std::string(bar_width - filled, ' '));
  }
  if (kept(kPercent)) line += fmt::format(" {:3.0f}%", 100 * fraction(f));
  if (kept(kLoss)) line += fmt::format("  loss {:.4f}", f.loss);
  if (kept(kAccuracy)) line += fmt::format("  acc {:5.1f}%", 100 * f.accuracy);
  if (kept(kRate)) line += "  " + rate_text(f);
  if (kept(kEta)) line += "  " + eta_text(f);
  return line;
}

// Breaks one over-long text at spaces into pieces of at most `width` characters.
std::vector<std::string> break_text(std::string_view text, size_t width) {
  std::vector<std::string> pieces;
  std::string line;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t space = text.find(' ', pos);
    std::string_view word =
        text.substr(pos, space == std::string_view::npos ? text.npos : space - pos);
    pos = space == std::string_view::npos ? text.size() : space + 1;
    while (word.size() > width) {  // a word no line can hold is cut
      if (!line.empty()) pieces.push_back(std::exchange(line, {}));
      pieces.emplace_back(word.substr(0, width));
      word.remove_prefix(width);
    }
    if (word.empty()) continue;
    if (!line.empty() && line.size() + 1 + word.size() > width)
      pieces.push_back(std::exchange(line, {}));
    line += (line.empty() ? "" : " ") + std::string(word);
  }
  if (!line.empty()) pieces.push_back(line);
  return pieces;
}

}  // namespace

ProgressFigures progress_figures(std::string label, size_t first, size_t done, size_t total,
                                 double loss, double accuracy, double seconds) {
  ProgressFigures f{
      .label = std::move(label), .done = done, .total = total, .loss = loss, .accuracy = accuracy};
  const size_t trained = done > first ? done - first : 0;
  if (seconds > 0 && trained > 0) {
    f.rate = static_cast<double>(trained) / seconds;
    f.eta = static_cast<double>(total > done ? total - done : 0) / f.rate;
  }
  return f;
}

std::string bar_line(const ProgressFigures& f, int width) {
  const int limit = std::max(width - 1, 1);
  for (int dropped = 0; dropped <= kOptionals; ++dropped) {
    int bar = 0;
    if (dropped <= kBar) {
      const auto rest = static_cast<int>(compose(f, dropped, 0).size());
      bar = std::min(kMaxBar, limit - rest - 3);  // " [" and "]"
      if (bar < kMinBar) continue;
    }
    std::string line = compose(f, dropped, bar);
    if (static_cast<int>(line.size()) <= limit) return line;
  }
  return f.label.substr(0, static_cast<size_t>(limit));  // the label alone is too long
}

std::string plain_line(const ProgressFigures& f, double percent) {
  return fmt::format("{} {:3.0f}%  loss {:.4f}  acc {:5.1f}%  {}  {}", f.label,
                     percent < 0 ? 100 * fraction(f) : percent, f.loss, 100 * f.accuracy,
                     rate_text(f), eta_text(f));
}

std::vector<std::string> wrap_fields(const std::vector<std::string>& fields, int width,
                                     std::string_view sep) {
  const auto limit = static_cast<size_t>(std::max(width, 8));
  constexpr std::string_view kIndent = "  ";
  std::vector<std::string> lines;
  std::string line;
  for (const std::string& field : fields) {
    if (field.empty()) continue;
    if (!line.empty() && line.size() + sep.size() + field.size() <= limit) {
      line += std::string(sep) + field;
      continue;
    }
    if (!line.empty()) lines.push_back(std::exchange(line, {}));
    // Every line but the message's first is indented, pieces of a long field included.
    const std::vector<std::string> pieces = break_text(field, limit - kIndent.size());
    for (size_t i = 0; i < pieces.size(); ++i) {
      const std::string_view indent = lines.empty() && i == 0 ? std::string_view{} : kIndent;
      (i + 1 < pieces.size() ? lines.emplace_back() : line) = std::string(indent) + pieces[i];
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

int terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    char* end = nullptr;
    const long n = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && n > 0 && n < 10000) return static_cast<int>(n);
  }
  return kDefaultWidth;
}

Progress::Progress(std::FILE* out)
    : Progress(out, {.terminal = out != nullptr && ::isatty(::fileno(out)) != 0}) {}

Progress::Progress(std::FILE* out, ProgressOptions options)
    : out_(out), options_(std::move(options)) {}

double Progress::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Progress::start(std::string label, size_t total, size_t first) {
  label_ = std::move(label);
  total_ = total;
  first_ = first;
  width_ = line_width();
  // Quarters a resumed epoch had passed before this process are not announced again.
  quarter_ = total ? static_cast<int>(std::min<size_t>(3, 4 * first / total)) : 0;
  start_ = now();
  last_draw_ = start_ - kRedrawSeconds;
}

int Progress::line_width() const {
  const int width =
      options_.width > 0 || out_ == nullptr ? options_.width : terminal_width(::fileno(out_));
  return std::max(20, width - static_cast<int>(options_.prefix.size()));
}

void Progress::print(std::string_view text) const {
  fmt::print(out_, "{}{}", options_.prefix, text);
}

void Progress::update(size_t done, double loss, double accuracy) {
  if (out_ == nullptr) return;
  const double t = now();
  const ProgressFigures f =
      progress_figures(label_, first_, done, total_, loss, accuracy, t - start_);
  if (options_.terminal) {
    if (t - last_draw_ < kRedrawSeconds && done < total_) return;
    last_draw_ = t;
    fmt::print(out_, "\r{}{}\x1b[K", options_.prefix, bar_line(f, width_));
    drawn_ = true;
    std::fflush(out_);
    return;
  }
  // Without a terminal: one line at each quarter, so logs stay short.
  while (quarter_ < 3 && total_ > 0 && 4 * done >= total_ * static_cast<size_t>(quarter_ + 1)) {
    ++quarter_;
    print(plain_line(f, 25.0 * quarter_) + "\n");
    std::fflush(out_);
  }
}

void Progress::end_bar() {
  if (drawn_) fmt::print(out_, "\r\x1b[K");
  drawn_ = false;
}

void Progress::finish(const std::string& line) {
  if (out_ == nullptr) return;
  end_bar();
  print(line + "\n");
  std::fflush(out_);
}

void Progress::finish_fields(const std::vector<std::string>& fields, std::string_view sep) {
  if (out_ == nullptr) return;
  end_bar();
  if (options_.terminal) {
    for (const std::string& line : wrap_fields(fields, line_width() - 1, sep)) print(line + "\n");
  } else {
    std::string line;
    for (const std::string& field : fields)
      if (!field.empty()) line += (line.empty() ? "" : std::string(sep)) + field;
    print(line + "\n");
  }
  std::fflush(out_);
}

}  // namespace qmf::train
