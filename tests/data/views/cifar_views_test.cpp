// The CIFAR-10 views on tiny generated batches whose pixels encode image, channel and position.
#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "data/formats/cifar.h"
#include "data/views/views.h"
#include "support/cifar_write.h"

namespace qmf::data {
namespace {

// 5 training batches of 2 images (images 0..9, labels 0..9) and a test batch of 3 (10..12).
class CifarViews : public ::testing::Test {
 protected:
  CifarViews() {
    const auto dir = tmp_.path() / "cifar10";
    std::filesystem::create_directories(dir);
    for (size_t b = 0; b < 5; ++b) {
      const std::vector<int> labels = {static_cast<int>(2 * b), static_cast<int>(2 * b + 1)};
      qmf::testing::write_bytes(dir / cifar10_train_files()[b],
                                qmf::testing::cifar_records(labels, 2 * b));
    }
    qmf::testing::write_bytes(dir / "test_batch.bin", qmf::testing::cifar_records({3, 1, 4}, 10));
  }
  Multimodal load(const std::string& view, bool pool = false) const {
    ViewOptions o;
    o.dir = tmp_.path();
    o.view = view;
    o.pool = pool;
    return load_view(o);
  }
  TempDir tmp_{"qmf-cifar-views"};
};

float pixel(size_t image, size_t c, size_t r, size_t col) {
  return static_cast<float>(qmf::testing::cifar_pixel(image, c, 32 * r + col)) / 255.0f;
}

TEST_F(CifarViews, SplitH2TakesLeftAndRightHalvesOfEveryChannel) {
  const Multimodal data = load("cifar10/split-h2");
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"left", "right"}));
  EXPECT_EQ(data.dims(), (std::vector<size_t>{1536, 1536}));
  EXPECT_EQ(data.image_shapes[0], (ImageShape{32, 16, 3}));
  // The halves are pieces of one 32x32 picture, side by side (augmentation moves them as one).
  EXPECT_EQ(data.placements, (std::vector<ImagePlacement>{{0, 0, 0, 32, 32}, {0, 0, 16, 32, 32}}));
  EXPECT_EQ(data.train.y, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(data.test.y, (std::vector<int>{3, 1, 4}));
  for (size_t m = 0; m < 2; ++m)
    for (size_t i = 0; i < 3; ++i)
      for (size_t c = 0; c < 3; ++c)
        for (size_t r = 0; r < 32; ++r)
          for (size_t col = 0; col < 16; ++col)
            ASSERT_EQ(
                data.test.x[m](static_cast<long>(i), static_cast<long>(c * 512 + 16 * r + col)),
                pixel(10 + i, c, r, 16 * m + col));
}

TEST_F(CifarViews, ChannelsAreThePlanes) {
  const Multimodal data = load("cifar10/channels");
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"red", "green", "blue"}));
  EXPECT_EQ(data.placements, std::vector<ImagePlacement>(3, {0, 0, 0, 32, 32}));
  EXPECT_EQ(data.dims(), (std::vector<size_t>{1024, 1024, 1024}));
  for (size_t c = 0; c < 3; ++c)
    for (size_t p = 0; p < 1024; ++p)
      ASSERT_EQ(data.train.x[c](4, static_cast<long>(p)), pixel(4, c, p / 32, p % 32));
}

TEST_F(CifarViews, GrayAndColorAreLuminanceAndChroma) {
  const Multimodal data = load("cifar10/gray+color");
  EXPECT_EQ(data.modality_names, (std::vector<std::string>{"gray", "color"}));
  EXPECT_EQ(data.dims(), (std::vector<size_t>{1024, 2048}));
  EXPECT_EQ(data.image_shapes[1], (ImageShape{32, 32, 2}));
  for (size_t p = 0; p < 1024; p += 13) {
    const double r = pixel(7, 0, p / 32, p % 32);
    const double g = pixel(7, 1, p / 32, p % 32);
    const double b = pixel(7, 2, p / 32, p % 32);
    const auto at = [&](size_t m, size_t f) { return data.train.x[m](7, static_cast<long>(f)); };
    EXPECT_NEAR(at(0, p), 0.299 * r + 0.587 * g + 0.114 * b, 1e-6);
    EXPECT_NEAR(at(1, p), 0.5 - 0.168736 * r - 0.331264 * g + 0.5 * b, 1e-6);
    EXPECT_NEAR(at(1, 1024 + p), 0.5 + 0.5 * r - 0.418688 * g - 0.081312 * b, 1e-6);
  }
  for (const Features& x : data.train.x) {
    EXPECT_GE(x.minCoeff(), 0.0f);
    EXPECT_LE(x.maxCoeff(), 1.0f);
  }
}

TEST_F(CifarViews, PoolingAveragesEachChannelPlane) {
  const Multimodal data = load("cifar10/split-h2", true);
  EXPECT_EQ(data.dims(), (std::vector<size_t>{384, 384}));
  EXPECT_EQ(data.image_shapes[1], (ImageShape{16, 8, 3}));
  EXPECT_EQ(data.placements[1], (ImagePlacement{0, 0, 8, 16, 16}));
  for (size_t c = 0; c < 3; ++c) {
    for (size_t r = 0; r < 16; ++r) {
      for (size_t col = 0; col < 8; ++col) {
        const size_t r0 = 2 * r, c0 = 16 + 2 * col;  // the right half
        const float want = 0.25f * (pixel(1, c, r0, c0) + pixel(1, c, r0, c0 + 1) +
                                    pixel(1, c, r0 + 1, c0) + pixel(1, c, r0 + 1, c0 + 1));
        EXPECT_NEAR(data.train.x[1](1, static_cast<long>(c * 128 + 8 * r + col)), want, 1e-6);
      }
    }
  }
}

TEST_F(CifarViews, ClassesAndLimitsApply) {
  ViewOptions o;
  o.dir = tmp_.path();
  o.view = "cifar10/channels";
  o.classes = {3, 1};
  o.train_limit = 1;
  const Multimodal data = load_view(o);
  EXPECT_EQ(data.classes, 2);
  EXPECT_EQ(data.train.size(), 1u);
  EXPECT_EQ(data.test.y, (std::vector<int>{0, 1}));  // images 10 (label 3) and 11 (label 1)
  EXPECT_EQ(data.test.x[0](1, 0), pixel(11, 0, 0, 0));
}

}  // namespace
}  // namespace qmf::data
