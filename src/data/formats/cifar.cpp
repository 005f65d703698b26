#include "data/formats/cifar.h"

#include <algorithm>

#include "core/error.h"
#include "data/formats/file_bytes.h"
#include "data/formats/idx.h"

namespace qmf::data {

const std::vector<std::string>& cifar10_train_files() {
  static const std::vector<std::string> files = {"data_batch_1.bin", "data_batch_2.bin",
                                                 "data_batch_3.bin", "data_batch_4.bin",
                                                 "data_batch_5.bin"};
  return files;
}

const std::string& cifar10_test_file() {
  static const std::string file = "test_batch.bin";
  return file;
}

const std::vector<std::string>& cifar10_class_names() {
  static const std::vector<std::string> names = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return names;
}

LabelledImages parse_cifar_batch(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.empty()) throw Error(fmt::format("{}: empty file", name));
  if (bytes.size() % kCifarRecord != 0) {
    throw Error(fmt::format(
        "{}: {} bytes is not a whole number of {}-byte CIFAR-10 records (truncated, or not a "
        "CIFAR-10 binary file)",
        name, bytes.size(), kCifarRecord));
  }
  LabelledImages out;
  Images& images = out.images;
  images.count = bytes.size() / kCifarRecord;
  images.rows = images.cols = kCifarSide;
  images.channels = kCifarChannels;
  images.pixels.resize(images.count * images.image_size());
  out.labels.resize(images.count);
  for (size_t i = 0; i < images.count; ++i) {
    const uint8_t* record = bytes.data() + i * kCifarRecord;
    if (record[0] >= kCifarClasses) {
      throw Error(fmt::format("{}: label {} of record {} is outside [0, {}]", name, record[0], i,
                              kCifarClasses - 1));
    }
    out.labels[i] = record[0];
    std::copy(record + 1, record + kCifarRecord, images.pixels.data() + i * images.image_size());
  }
  return out;
}

LabelledImages read_cifar_batch(const std::filesystem::path& file) {
  // A batch holds 10000 records; a compressed one inflating past all of CIFAR-10 is no batch.
  constexpr size_t kMaxBatchBytes = 60000 * kCifarRecord;
  return parse_cifar_batch(read_file_bytes(file, kMaxBatchBytes), file.string());
}

LabelledImages read_cifar10(const std::filesystem::path& dir, bool train) {
  const std::vector<std::string> names =
      train ? cifar10_train_files() : std::vector<std::string>{cifar10_test_file()};
  LabelledImages all;
  for (const std::string& name : names) {
    LabelledImages batch = read_cifar_batch(find_data_file(dir, name));
    if (all.labels.empty()) {
      all = std::move(batch);
      continue;
    }
    all.images.count += batch.images.count;
    all.images.pixels.insert(all.images.pixels.end(), batch.images.pixels.begin(),
                             batch.images.pixels.end());
    all.labels.insert(all.labels.end(), batch.labels.begin(), batch.labels.end());
  }
  return all;
}

}  // namespace qmf::data
