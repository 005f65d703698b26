#pragma once
// Shared pieces of the training and command-line tests: a quiet Progress, a small fast config on
// the generated data of fake_mnist.h, file helpers and a metrics.csv reader.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "train/config.h"
#include "train/progress.h"

namespace qmf::testing {

// A Progress that writes to an anonymous temporary file (not a terminal), so tests stay quiet
// and can read back what was printed.
class QuietProgress {
 public:
  QuietProgress() : file_(std::tmpfile()), progress_(file_ ? file_ : stderr) {}
  ~QuietProgress() {
    if (file_) std::fclose(file_);
  }
  QuietProgress(const QuietProgress&) = delete;
  QuietProgress& operator=(const QuietProgress&) = delete;

  train::Progress& get() { return progress_; }
  operator train::Progress&() { return progress_; }  // NOLINT: pass where a Progress& is wanted

  std::string text() const {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    return out;
  }

 private:
  std::FILE* file_;
  train::Progress progress_;
};

// Four classes of the generated data, a small model and one thread: a few hundred milliseconds
// an epoch at most.
inline qmf::Config small_config(const std::filesystem::path& data_dir, int epochs = 3) {
  qmf::Config c;
  c.data.dir = data_dir.string();
  c.data.view = "mnist/split-h2";
  c.data.classes = {0, 1, 2, 3};
  c.model.k = {3};
  c.train.epochs = epochs;
  c.train.batch = 16;
  c.train.lr = 0.05;
  c.train.seed = 11;
  c.train.threads = 1;
  return c;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (ch == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// metrics.csv as rows of cells, header first.
inline std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : split(slurp(path), '\n')) rows.push_back(split(line, ','));
  return rows;
}

// The files of a directory, by name, sorted.
inline std::vector<std::string> file_names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace qmf::testing
