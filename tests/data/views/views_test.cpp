// Views on tiny generated MNIST / Fashion-MNIST look-alikes whose pixel values encode the
// sample and the position, so each test can check exactly which pixels landed where.
#include "data/views/views.h"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/idx_write.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

constexpr size_t kSide = 28;

// One fake IDX split: `count` 28x28 images; pixel (r, c) of image i is (base + i + 28r + c)
// mod 256, so pixel (0, 0) identifies the sample and neighbours differ.
struct FakeSplit {
  int base;
  size_t count;
  int (*label)(size_t i);

  uint8_t pixel(size_t i, size_t r, size_t c) const {
    return static_cast<uint8_t>((static_cast<size_t>(base) + i + kSide * r + c) % 256);
  }
  // The sample whose features start with `first` (pixel (0, 0) scaled to [0, 1]).
  size_t sample_of(float first) const {
    const long value = std::lround(first * 255.0f);
    return static_cast<size_t>((value - base + 256) % 256);
  }
  void write(const fs::path& dir, const std::string& prefix) const {
    Images images{.count = count, .rows = kSide, .cols = kSide, .pixels = {}};
    std::vector<int> labels;
    for (size_t i = 0; i < count; ++i) {
      for (size_t p = 0; p < kSide * kSide; ++p)
        images.pixels.push_back(pixel(i, p / kSide, p % kSide));
      labels.push_back(label(i));
    }
    fs::create_directories(dir);
    write_idx_images(dir / (prefix + "-images-idx3-ubyte"), images);
    write_idx_labels(dir / (prefix + "-labels-idx1-ubyte.gz"), labels);
  }
};

// MNIST: 40 train (4 per class), 20 test; Fashion: 30 train (3 per class), 20 test; labels in
// different orders so a pairing cannot match by position.
const FakeSplit kMnistTrain{0, 40, [](size_t i) { return static_cast<int>(i % 10); }};
const FakeSplit kMnistTest{64, 20, [](size_t i) { return static_cast<int>(3 * i % 10); }};
const FakeSplit kFashionTrain{128, 30, [](size_t i) { return static_cast<int>(7 * i % 10); }};
const FakeSplit kFashionTest{192, 20, [](size_t i) { return static_cast<int>(9 * i % 10); }};

class Views : public testing::Test {
 protected:
  Views() {
    kMnistTrain.write(tmp_.path() / "mnist", "train");
    kMnistTest.write(tmp_.path() / "mnist", "t10k");
    kFashionTrain.write(tmp_.path() / "fashion", "train");
    kFashionTest.write(tmp_.path() / "fashion", "t10k");
  }
  ViewOptions options(const std::string& view) const {
    ViewOptions o;
    o.dir = tmp_.path();
    o.view = view;
    return o;
  }
  TempDir tmp_{"qmf-views-test"};
};

struct Cut {
  size_t row0, col0, rows, cols;
};

// Every feature of every sample equals the pixel its region says it should.
void expect_cuts(const Split& split, const FakeSplit& fake, const std::vector<Cut>& cuts) {
  ASSERT_EQ(split.x.size(), cuts.size());
  ASSERT_EQ(split.size(), fake.count);
  for (size_t m = 0; m < cuts.size(); ++m) {
    const Cut& cut = cuts[m];
    ASSERT_EQ(split.x[m].cols(), static_cast<long>(cut.rows * cut.cols));
    for (size_t i = 0; i < fake.count; ++i) {
      for (size_t r = 0; r < cut.rows; ++r) {
        for (size_t c = 0; c < cut.cols; ++c) {
          const float want = static_cast<float>(fake.pixel(i, cut.row0 + r, cut.col0 + c)) / 255.0f;
          ASSERT_EQ(split.x[m](static_cast<long>(i), static_cast<long>(r * cut.cols + c)), want)
              << "modality " << m << " sample " << i << " at " << r << "," << c;
        }
      }
    }
  }
  for (size_t i = 0; i < fake.count; ++i) EXPECT_EQ(split.y[i], fake.label(i));
}

TEST_F(Views, SplitH2TakesLeftAndRightHalves) {
  const Multimodal data = load_view(options("mnist/split-h2"));
  const std::vector<Cut> cuts = {{0, 0, 28, 14}, {0, 14, 28, 14}};
  expect_cuts(data.train, kMnistTrain, cuts);
  expect_cuts(data.test, kMnistTest, cuts);
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"left", "right"}));
  EXPECT_EQ(data.dims(), (std::vector<size_t>{392, 392}));
  EXPECT_EQ(data.classes, 10);
  EXPECT_EQ(data.view, "mnist/split-h2");
}

TEST_F(Views, SplitV2TakesTopAndBottomHalves) {
  const Multimodal data = load_view(options("fashion/split-v2"));
  const std::vector<Cut> cuts = {{0, 0, 14, 28}, {14, 0, 14, 28}};
  expect_cuts(data.train, kFashionTrain, cuts);
  expect_cuts(data.test, kFashionTest, cuts);
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"top", "bottom"}));
}

TEST_F(Views, SplitQ4TakesQuadrantsInReadingOrder) {
  const Multimodal data = load_view(options("mnist/split-q4"));
  const std::vector<Cut> cuts = {
      {0, 0, 14, 14}, {0, 14, 14, 14}, {14, 0, 14, 14}, {14, 14, 14, 14}};
  expect_cuts(data.train, kMnistTrain, cuts);
  expect_cuts(data.test, kMnistTest, cuts);
  EXPECT_EQ(data.modality_names,
            (std::vector<std::string>{"top-left", "top-right", "bottom-left", "bottom-right"}));
  ASSERT_EQ(data.image_shapes.size(), 4u);
  EXPECT_EQ(data.image_shapes[3].rows, 14u);
  EXPECT_EQ(data.image_shapes[3].cols, 14u);
}

TEST_F(Views, ModalitiesKeepsTheChosenOnesInOrder) {
  ViewOptions o = options("mnist/split-q4");
  o.modalities = {4, 2};
  const Multimodal data = load_view(o);
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"bottom-right", "top-right"}));
  expect_cuts(data.train, kMnistTrain, {{14, 14, 14, 14}, {0, 14, 14, 14}});
  expect_cuts(data.test, kMnistTest, {{14, 14, 14, 14}, {0, 14, 14, 14}});
  ASSERT_EQ(data.image_shapes.size(), 2u);
}

TEST_F(Views, ModalitiesOutOfRangeOrRepeatedAreUsageErrors) {
  for (const std::vector<int>& bad : {std::vector<int>{3}, std::vector<int>{0}, {1, 1}}) {
    ViewOptions o = options("mnist/split-h2");
    o.modalities = bad;
    try {
      load_view(o);
      ADD_FAILURE() << "accepted data.modalities " << bad[0];
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("data.modalities"), std::string::npos) << e.what();
    }
  }
}

TEST_F(Views, PoolAveragesTwoByTwoBlocks) {
  ViewOptions o = options("mnist/split-h2");
  o.pool = true;
  const Multimodal data = load_view(o);
  ASSERT_EQ(data.dims(), (std::vector<size_t>{98, 98}));  // 14x7 each
  EXPECT_EQ(data.image_shapes[1].rows, 14u);
  EXPECT_EQ(data.image_shapes[1].cols, 7u);
  for (size_t m = 0; m < 2; ++m) {
    for (size_t i = 0; i < kMnistTrain.count; ++i) {
      for (size_t r = 0; r < 14; ++r) {
        for (size_t c = 0; c < 7; ++c) {
          float sum = 0.0f;
          for (size_t dr = 0; dr < 2; ++dr) {
            for (size_t dc = 0; dc < 2; ++dc) {
              sum += static_cast<float>(kMnistTrain.pixel(i, 2 * r + dr, 14 * m + 2 * c + dc)) /
                     255.0f;
            }
          }
          ASSERT_NEAR(data.train.x[m](static_cast<long>(i), static_cast<long>(r * 7 + c)),
                      sum / 4.0f, 1e-6f);
        }
      }
    }
  }
}

TEST_F(Views, StandardizeUsesTrainStatistics) {
  const Multimodal raw = load_view(options("mnist/split-v2"));
  ViewOptions o = options("mnist/split-v2");
  o.standardize = true;
  const Multimodal data = load_view(o);
  for (size_t m = 0; m < 2; ++m) {
    const Features& x = data.train.x[m];
    const Eigen::RowVectorXf mean = x.colwise().mean();
    const Eigen::RowVectorXf var = (x.rowwise() - mean).array().square().colwise().mean();
    EXPECT_LT(mean.cwiseAbs().maxCoeff(), 1e-5f);
    EXPECT_LT((var.array() - 1.0f).abs().maxCoeff(), 1e-4f);
    // The test split is shifted and scaled by the train statistics, not its own.
    const Features& r = raw.train.x[m];
    const Eigen::RowVectorXf train_mean = r.colwise().mean();
    const Eigen::RowVectorXf train_std =
        (r.rowwise() - train_mean).array().square().colwise().mean().sqrt();
    const Features want =
        (raw.test.x[m].rowwise() - train_mean).array().rowwise() / train_std.array();
    EXPECT_LT((data.test.x[m] - want).cwiseAbs().maxCoeff(), 1e-4f);
  }
}

TEST_F(Views, ClassesAreKeptAndRelabelledInGivenOrder) {
  ViewOptions o = options("mnist/split-h2");
  o.classes = {7, 2};
  const Multimodal data = load_view(o);
  EXPECT_EQ(data.classes, 2);
  ASSERT_EQ(data.train.size(), 8u);  // 4 samples of each class
  for (size_t k = 0; k < data.train.size(); ++k) {
    const size_t sample = kMnistTrain.sample_of(data.train.x[0](static_cast<long>(k), 0));
    const int original = kMnistTrain.label(sample);
    EXPECT_EQ(original, data.train.y[k] == 0 ? 7 : 2);
  }
  for (int y : data.test.y) EXPECT_TRUE(y == 0 || y == 1);
}

std::vector<size_t> train_samples(const Multimodal& data) {
  std::vector<size_t> samples;
  for (long k = 0; k < data.train.x[0].rows(); ++k) {
    samples.push_back(kMnistTrain.sample_of(data.train.x[0](k, 0)));
  }
  return samples;
}

TEST_F(Views, LimitsAreSeededSubsets) {
  ViewOptions o = options("mnist/split-h2");
  o.train_limit = 12;
  o.test_limit = 5;
  o.seed = 1;
  const Multimodal a = load_view(o);
  const Multimodal b = load_view(o);
  o.seed = 2;
  const Multimodal c = load_view(o);
  EXPECT_EQ(a.train.size(), 12u);
  EXPECT_EQ(a.test.size(), 5u);
  EXPECT_EQ(train_samples(a), train_samples(b));
  EXPECT_EQ(a.train.y, b.train.y);
  EXPECT_NE(train_samples(a), train_samples(c));
  const std::vector<size_t> kept = train_samples(a);
  EXPECT_EQ(std::set<size_t>(kept.begin(), kept.end()).size(), kept.size());
  for (size_t k = 0; k < kept.size(); ++k) EXPECT_EQ(a.train.y[k], kMnistTrain.label(kept[k]));
}

TEST_F(Views, LimitAppliesAfterClassSubset) {
  ViewOptions o = options("mnist/split-h2");
  o.classes = {0, 1, 2};
  o.train_limit = 6;
  const Multimodal data = load_view(o);
  EXPECT_EQ(data.train.size(), 6u);
  for (int y : data.train.y) EXPECT_LT(y, 3);
}

// For every sample, the MNIST and Fashion modalities come from items of the sample's class.
void expect_pairs_share_label(const Split& split, const FakeSplit& mnist, const FakeSplit& fashion,
                              const std::vector<int>& classes) {
  for (size_t k = 0; k < split.size(); ++k) {
    const int digit = mnist.label(mnist.sample_of(split.x[0](static_cast<long>(k), 0)));
    const int item = fashion.label(fashion.sample_of(split.x[1](static_cast<long>(k), 0)));
    const int y = classes.empty() ? split.y[k] : classes[static_cast<size_t>(split.y[k])];
    EXPECT_EQ(digit, y);
    EXPECT_EQ(item, y);
  }
}

TEST_F(Views, MnistFashionPairsShareTheLabel) {
  ViewOptions o = options("mnist+fashion");
  o.seed = 5;
  const Multimodal data = load_view(o);
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"mnist", "fashion"}));
  EXPECT_EQ(data.dims(), (std::vector<size_t>{784, 784}));
  EXPECT_EQ(data.train.size(), kMnistTrain.count);
  expect_pairs_share_label(data.train, kMnistTrain, kFashionTrain, {});
  expect_pairs_share_label(data.test, kMnistTest, kFashionTest, {});

  // 4 digits per class cycle through 3 items per class: every item is used.
  std::set<size_t> items;
  for (long k = 0; k < data.train.x[1].rows(); ++k) {
    items.insert(kFashionTrain.sample_of(data.train.x[1](k, 0)));
  }
  EXPECT_EQ(items.size(), kFashionTrain.count);

  o.classes = {4, 8};
  o.train_limit = 5;
  o.pool = false;
  const Multimodal subset = load_view(o);
  expect_pairs_share_label(subset.train, kMnistTrain, kFashionTrain, o.classes);
  expect_pairs_share_label(subset.test, kMnistTest, kFashionTest, o.classes);
}

TEST_F(Views, PairingDependsOnTheSeed) {
  ViewOptions o = options("mnist+fashion");
  auto fashion_column = [&](uint64_t seed) {
    o.seed = seed;
    const Multimodal data = load_view(o);
    return std::vector<float>(data.train.x[1].col(0).begin(), data.train.x[1].col(0).end());
  };
  EXPECT_EQ(fashion_column(3), fashion_column(3));
  EXPECT_NE(fashion_column(3), fashion_column(4));
}

}  // namespace
}  // namespace qmf::data
