#pragma once
// The built-in multimodal views (DESIGN.md §3), read from a data directory that fetch() has
// filled (dir/mnist, dir/fashion: IDX files; dir/cifar10: binary batches; plain or .gz) and,
// for mnist+fsdd, the spoken-digit recordings.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/features/corrupt.h"
#include "data/dataset.h"

namespace qmf::data {

struct ViewOptions {
  std::filesystem::path dir;   // the data directory
  std::filesystem::path fsdd;  // recordings (.tar.gz or directory); empty: dir/fsdd
  std::filesystem::path files;  // view files: the user's data directory (user_files.h)
  std::string view = "mnist/split-h2";
  size_t train_limit = 0;    // 0 = all
  size_t test_limit = 0;     // 0 = all
  bool pool = false;         // 2x2 average pooling of each modality's image
  bool standardize = false;  // per-feature, with train statistics
  double validation = 0;     // fraction of the training samples held out for validation
  std::vector<int> classes;  // original labels to keep, relabelled 0..C-1; empty = all
  std::vector<int> modalities;  // 1-based modalities to keep, in this order; empty = all
  Corruption corrupt;           // applied to the test split only (after the modality subset)
  uint64_t seed = 0;         // pairing and limits
};

// mnist/split-h2 (left, right: 28x14), mnist/split-v2 (top, bottom: 14x28), mnist/split-q4
// (top-left, top-right, bottom-left, bottom-right: 14x14), the same under fashion/, and
// mnist+fashion (an MNIST digit and a Fashion-MNIST item of the same class, paired at random
// by the seed within each split), mnist+fsdd (an MNIST digit and a spectrogram of a spoken
// recording of the same digit from the same split, likewise paired), cifar10/split-h2 (left,
// right: 32x16x3), cifar10/channels (red, green, blue: 32x32 each) and cifar10/gray+color
// (BT.601 luminance 32x32, and chroma Cb, Cr 32x32x2). Last, `files`: the user's own data from
// `files` (a directory of .npy / .csv files, see user_files.h), feature vectors rather than
// images, so `pool` does not apply and image_shapes stays empty.
const std::vector<std::string>& view_names();

// Steps, in order: class subset, limits (a seeded random subset), pooling, modality subset,
// validation hold-out, test corruption, standardisation (with clean training statistics).
// Does not fetch. Throws qmf::UsageError for an unknown view or bad `classes` or `modalities`
// (naming the key; for view files also an empty `files` or `pool` set), qmf::Error for missing
// or bad files.
Multimodal load_view(const ViewOptions& options);

}  // namespace qmf::data
