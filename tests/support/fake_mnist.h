#pragma once
// A small, learnable MNIST look-alike for training and command-line tests, written as real IDX
// files into dir/mnist so that every layer (reader, views, trainer, CLI) runs as it would on the
// real data set.
//
// Each 28x28 image has seeded background noise; class c lights a 4x4 block at a position of its
// own in the left half AND another in the right half, so each modality of mnist/split-h2 (and of
// split-v2 / split-q4) carries the class on its own. Block brightness and the background vary per
// sample, so the task is easy but not a lookup.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/rng.h"
#include "data/formats/idx_write.h"

namespace qmf::testing {

inline constexpr size_t kFakeSide = 28;

// Top-left corner of class c's block in the left half (cols 0..13) and the right half.
inline void fake_blocks(int c, size_t& lr, size_t& lc, size_t& rr, size_t& rc) {
  lr = 2 + 5 * static_cast<size_t>(c % 5);
  lc = 2 + 6 * static_cast<size_t>(c / 5);
  rr = 2 + 5 * static_cast<size_t>((c + 2) % 5);
  rc = 14 + 2 + 6 * static_cast<size_t>(1 - c / 5);
}

inline void write_fake_split(const std::filesystem::path& mnist_dir, const char* prefix,
                             size_t count, uint64_t seed) {
  Rng rng(seed);
  data::Images images{.count = count, .rows = kFakeSide, .cols = kFakeSide, .pixels = {}};
  images.pixels.resize(count * kFakeSide * kFakeSide);
  std::vector<int> labels(count);
  for (size_t i = 0; i < count; ++i) {
    const int c = static_cast<int>(i % 10);  // balanced classes
    labels[i] = c;
    uint8_t* img = images.pixels.data() + i * kFakeSide * kFakeSide;
    for (size_t p = 0; p < kFakeSide * kFakeSide; ++p) img[p] = static_cast<uint8_t>(rng.below(70));
    size_t lr = 0, lc = 0, rr = 0, rc = 0;
    fake_blocks(c, lr, lc, rr, rc);
    const auto bright = static_cast<uint8_t>(170 + rng.below(86));
    for (size_t r = 0; r < 4; ++r)
      for (size_t col = 0; col < 4; ++col) {
        img[(lr + r) * kFakeSide + lc + col] = bright;
        img[(rr + r) * kFakeSide + rc + col] = bright;
      }
  }
  data::write_idx_images(mnist_dir / (std::string(prefix) + "-images-idx3-ubyte"), images);
  data::write_idx_labels(mnist_dir / (std::string(prefix) + "-labels-idx1-ubyte"), labels);
}

// Writes data_dir/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.
inline void write_fake_mnist(const std::filesystem::path& data_dir, size_t train_count = 400,
                             size_t test_count = 100, uint64_t seed = 7) {
  const std::filesystem::path mnist = data_dir / "mnist";
  std::filesystem::create_directories(mnist);
  write_fake_split(mnist, "train", train_count, seed);
  write_fake_split(mnist, "t10k", test_count, seed + 1000);
}

}  // namespace qmf::testing
