#pragma once
// CIFAR-10 in its official binary form: each record is 1 label byte (0..9) followed by the
// 32x32 image as 1024 red, 1024 green and 1024 blue bytes (each plane row-major). The training
// set is data_batch_1.bin ... data_batch_5.bin, the test set test_batch.bin; each file may be
// plain or gzip-compressed. Every check failure throws qmf::Error naming the file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "data/formats/images.h"

namespace qmf::data {

inline constexpr size_t kCifarSide = 32;
inline constexpr size_t kCifarChannels = 3;
inline constexpr size_t kCifarRecord = 1 + kCifarChannels * kCifarSide * kCifarSide;  // 3073
inline constexpr int kCifarClasses = 10;

// File names (without .gz) of the training batches in order, then of the test batch.
const std::vector<std::string>& cifar10_train_files();
const std::string& cifar10_test_file();

// The class names, in label order, as batches.meta.txt lists them.
const std::vector<std::string>& cifar10_class_names();

LabelledImages parse_cifar_batch(std::span<const uint8_t> bytes, const std::string& name);
LabelledImages read_cifar_batch(const std::filesystem::path& file);

// The training (five batches, concatenated in order) or test split from `dir`.
LabelledImages read_cifar10(const std::filesystem::path& dir, bool train);

}  // namespace qmf::data
