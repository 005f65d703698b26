#pragma once
// Progress of an epoch: a redrawn bar on a terminal, a few plain lines otherwise.
#include <chrono>
#include <cstdio>
#include <string>

namespace qmf::train {

class Progress {
 public:
  explicit Progress(std::FILE* out);  // a bar when `out` is a terminal
  void start(std::string label, size_t total);
  void update(size_t done, double loss, double accuracy);
  void finish(const std::string& line);

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* out_;
  bool tty_;
  std::string label_;
  size_t total_ = 0;
  int quarter_ = 0;
  Clock::time_point start_, last_draw_;
};

}  // namespace qmf::train
