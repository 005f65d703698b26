#pragma once
// Loading the multimodal views of view_catalog.h (docs/DATA.md) from a data directory that
// fetch() has filled (dir/mnist, dir/fashion: IDX files; dir/cifar10: binary batches; plain or
// .gz) and, for mnist+fsdd, the spoken-digit recordings.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/features/corrupt.h"
#include "data/views/view_catalog.h"

namespace qmf::data {

struct ViewOptions {
  std::filesystem::path dir;    // the data directory
  std::filesystem::path fsdd;   // recordings (.tar.gz or directory); empty: dir/fsdd
  std::filesystem::path files;  // view files: the user's data directory (user_files.h)
  std::string view = "mnist/split-h2";
  size_t train_limit = 0;       // 0 = all
  size_t test_limit = 0;        // 0 = all
  bool pool = false;            // 2x2 average pooling of each modality's image
  bool standardize = false;     // per-feature, with train statistics
  double validation = 0;        // fraction of the training samples held out for validation
  std::vector<int> classes;     // original labels to keep, relabelled 0..C-1; empty = all
  std::vector<int> modalities;  // 1-based modalities to keep, in this order; empty = all
  Corruption corrupt;           // applied to the test split only (after the modality subset)
  uint64_t seed = 0;            // pairing and limits
};

// Steps, in order: class subset, limits (a seeded random subset), pooling, modality subset,
// validation hold-out, test corruption, standardisation (with clean training statistics).
// Does not fetch. Throws qmf::UsageError for an unknown view or bad `classes` or `modalities`
// (naming the key; for view files also an empty `files` or `pool` set), qmf::Error for missing
// or bad files.
Multimodal load_view(const ViewOptions& options);

}  // namespace qmf::data
