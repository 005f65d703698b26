#pragma once
// The built-in multimodal views of MNIST and Fashion-MNIST (DESIGN.md §3), read from a data
// directory that fetch() has filled: dir/mnist and dir/fashion, IDX files plain or .gz.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace qmf::data {

struct ViewOptions {
  std::filesystem::path dir;  // the data directory
  std::string view = "mnist/split-h2";
  size_t train_limit = 0;    // 0 = all
  size_t test_limit = 0;     // 0 = all
  bool pool = false;         // 2x2 average pooling of each modality's image
  bool standardize = false;  // per-feature, with train statistics
  double validation = 0;     // fraction of the training samples held out for validation
  std::vector<int> classes;  // original labels to keep, relabelled 0..C-1; empty = all
  uint64_t seed = 0;         // pairing and limits
};

// mnist/split-h2 (left, right: 28x14), mnist/split-v2 (top, bottom: 14x28), mnist/split-q4
// (top-left, top-right, bottom-left, bottom-right: 14x14), the same under fashion/, and
// mnist+fashion (an MNIST digit and a Fashion-MNIST item of the same class, paired at random
// by the seed within each split).
const std::vector<std::string>& view_names();

// Steps, in order: class subset, limits (a seeded random subset), pooling, standardisation.
// Does not fetch. Throws qmf::UsageError for an unknown view or bad `classes` (naming
// data.classes), qmf::Error for missing or bad files.
Multimodal load_view(const ViewOptions& options);

}  // namespace qmf::data
