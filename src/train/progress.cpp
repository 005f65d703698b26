#include "train/progress.h"

#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

namespace qmf::train {
namespace {

std::string clock_text(double seconds) {
  const long s = std::lround(seconds);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

Progress::Progress(std::FILE* out) : out_(out), tty_(::isatty(::fileno(out)) != 0) {}

void Progress::start(std::string label, size_t total) {
  label_ = std::move(label);
  total_ = total;
  quarter_ = 0;
  start_ = last_draw_ = Clock::now();
}

void Progress::update(size_t done, double loss, double accuracy) {
  const auto now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const std::string stats =
      fmt::format("loss {:.4f}  acc {:5.1f}%  {:.0f} samples/s", loss, 100 * accuracy, rate);
  if (tty_) {
    if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
    last_draw_ = now;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(frac * kWidth);
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    fmt::print(out_, "\r{} [{}{}] {:3.0f}%  {}  ETA {}\x1b[K", label_, std::string(filled, '='),
               std::string(kWidth - filled, ' '), 100 * frac, stats, clock_text(eta));
    std::fflush(out_);
    return;
  }
  // Without a terminal: one line at each quarter, so logs stay short.
  while (quarter_ < 3 && frac >= 0.25 * (quarter_ + 1)) {
    ++quarter_;
    fmt::print(out_, "{} {:3.0f}%  {}\n", label_, 25.0 * quarter_, stats);
    std::fflush(out_);
  }
}

void Progress::finish(const std::string& line) {
  fmt::print(out_, "{}{}\n", tty_ ? "\r\x1b[K" : "", line);
  std::fflush(out_);
}

}  // namespace qmf::train
