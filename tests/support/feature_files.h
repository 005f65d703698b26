#pragma once
// A small `files`-view data set written as CSV, learnable in a few epochs: modality m of sample i
// has `widths[m]` features that show its label (a bump at the label's position) plus seeded
// noise. Used by the class-name, eval, predict and run-figure tests.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/rng.h"
#include "support/file_write.h"

namespace qmf::testing {

struct FeatureFiles {
  std::vector<size_t> widths = {4, 3};  // per modality: 1-a.csv, 2-b.csv
  std::vector<int> labels;              // one per sample
  bool write_labels = true;
  uint64_t seed = 5;
};

// The labels 0, 1, ..., classes-1, 0, 1, ... for n samples, plus `offset`.
inline std::vector<int> cycling_labels(size_t n, int classes, int offset = 0) {
  std::vector<int> y;
  for (size_t i = 0; i < n; ++i) y.push_back(static_cast<int>(i % classes) + offset);
  return y;
}

// dir/1-a.csv, dir/2-b.csv, ... and dir/labels.csv.
inline void write_feature_split(const std::filesystem::path& dir, const FeatureFiles& f) {
  Rng rng(f.seed);
  for (size_t m = 0; m < f.widths.size(); ++m) {
    std::string csv;
    for (const int y : f.labels) {
      for (size_t c = 0; c < f.widths[m]; ++c) {
        const double signal = static_cast<int>(c) == y % static_cast<int>(f.widths[m]) ? 2.0 : 0.0;
        csv += fmt::format("{}{:.4f}", c ? "," : "", signal + 0.3 * rng.normal());
      }
      csv += '\n';
    }
    write_text(dir / fmt::format("{}-{}.csv", m + 1, static_cast<char>('a' + m)), csv);
  }
  if (!f.write_labels) return;
  std::string labels;
  for (const int y : f.labels) labels += std::to_string(y) + "\n";
  write_text(dir / "labels.csv", labels);
}

// dir/train (n_train samples) and dir/test (n_test), labels cycling through `classes`.
inline void write_feature_dataset(const std::filesystem::path& dir, int classes,
                                  size_t n_train = 60, size_t n_test = 30, int offset = 0) {
  write_feature_split(dir / "train",
                      {.labels = cycling_labels(n_train, classes, offset), .seed = 1});
  write_feature_split(dir / "test", {.labels = cycling_labels(n_test, classes, offset), .seed = 2});
}

}  // namespace qmf::testing
