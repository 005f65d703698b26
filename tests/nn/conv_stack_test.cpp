// ConvStack: shapes, parameter count, description, the errors for images too small, the whole
// front end's gradients against finite differences, and the same bits for every thread count.
#include "nn/conv_stack.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "support/layer_gradient.h"

namespace qmf::nn {
namespace {

using qmf::testing::expect_gradients_match;
using qmf::testing::project;
using qmf::testing::random_matrix;
using ::testing::HasSubstr;

// Each block: a convolution (c_in k k + 1) c_out, a normalisation 2 c_out.
size_t hand_count(size_t in_channels, const ConvSpec& spec) {
  size_t n = 0;
  const auto k = static_cast<size_t>(spec.kernel);
  for (int c : spec.channels) {
    const auto out = static_cast<size_t>(c);
    n += (in_channels * k * k + 1) * out + 2 * out;
    in_channels = out;
  }
  return n;
}

std::string usage_error(ImageShape in, const ConvSpec& spec) {
  ParameterArena arena;
  try {
    ConvStack(arena, "img", in, spec, 1);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no UsageError";
}

TEST(ConvStack, DefaultSpecOnAHalfCifarImage) {
  ParameterArena arena;
  ConvStack stack(arena, "img", {32, 16, 3}, ConvSpec{}, 1);
  EXPECT_EQ(stack.in_shape(), (ImageShape{32, 16, 3}));
  EXPECT_EQ(stack.out_shape(), (ImageShape{8, 4, 32}));
  EXPECT_EQ(stack.out_dim(), 1024u);
  EXPECT_EQ(stack.describe(), "conv 3x3 16, 32 (group norm, ReLU, max-pool 2) -> 32x8x4 = 1024");
  EXPECT_EQ(stack.parameter_count(), hand_count(3, ConvSpec{}));
  EXPECT_EQ(stack.parameter_count(), 448u + 32u + 4640u + 64u);
  EXPECT_EQ(arena.counts().classical, stack.parameter_count());
  const std::vector<std::string> names = {"img.conv1.weight", "img.conv1.bias",   "img.norm1.gamma",
                                          "img.norm1.beta",   "img.conv2.weight", "img.conv2.bias",
                                          "img.norm2.gamma",  "img.norm2.beta"};
  ASSERT_EQ(arena.blocks().size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(arena.blocks()[i].name, names[i]);
}

TEST(ConvStack, ShapesOfOtherSpecs) {
  ParameterArena arena;
  const ConvSpec three{{8, 8, 12}, 5, Pooling::avg, 2, 0.25};
  ConvStack odd(arena, "a", {28, 28, 1}, three, 1);  // 28 -> 14 -> 7 -> 3
  EXPECT_EQ(odd.out_shape(), (ImageShape{3, 3, 12}));
  EXPECT_EQ(odd.parameter_count(), hand_count(1, three));
  EXPECT_EQ(odd.describe(),
            "conv 5x5 8, 8, 12 (group norm, ReLU, avg-pool 2), dropout 0.25 -> 12x3x3 = 108");
  const ConvSpec unpooled{{6}, 2, Pooling::max, 1, 0};
  ConvStack even(arena, "b", {7, 5, 2}, unpooled, 1);  // an even kernel grows a side by one
  EXPECT_EQ(even.out_shape(), (ImageShape{8, 6, 6}));
  EXPECT_EQ(even.describe(), "conv 2x2 6 (group norm, ReLU) -> 6x8x6 = 288");
  ConvStack wide(arena, "c", {7, 5, 1}, ConvSpec{}, 1);  // 7x5 -> 3x2 -> 1x1
  EXPECT_EQ(wide.out_shape(), (ImageShape{1, 1, 32}));
}

TEST(ConvStack, ImagesTooSmallAndBadSpecsAreUsageErrors) {
  EXPECT_EQ(usage_error({3, 3, 1}, ConvSpec{}),
            "2 blocks of 2x2 pooling shrink a 3x3 image to nothing");
  EXPECT_EQ(usage_error({1, 392, 1}, ConvSpec{}),
            "2 blocks of 2x2 pooling shrink a 1x392 image to nothing");
  EXPECT_EQ(usage_error({5, 1, 2}, ConvSpec{{4}}),
            "1 block of 2x2 pooling shrinks a 5x1 image to nothing");
  EXPECT_THAT(usage_error({8, 8, 1}, ConvSpec{{}}), HasSubstr("channels is empty"));
  EXPECT_THAT(usage_error({8, 8, 1}, ConvSpec{{16, 0}}), HasSubstr("at least 1 channel, got 0"));
  EXPECT_THAT(usage_error({8, 8, 1}, ConvSpec{{16}, 0}), HasSubstr("kernel size"));
  EXPECT_THAT(usage_error({8, 8, 1}, ConvSpec{{16}, 3, Pooling::max, 0}), HasSubstr("pooling"));
  EXPECT_THAT(usage_error({8, 8, 1}, ConvSpec{{16}, 3, Pooling::max, 2, 1.0}),
              HasSubstr("dropout rate must be in [0, 1), got 1"));
  EXPECT_EQ(usage_error({4, 4, 1}, ConvSpec{}), "no UsageError");  // 4 -> 2 -> 1
}

void check_gradient(const ConvSpec& spec, uint64_t seed) {
  ParameterArena arena;
  ConvStack stack(arena, "img", {6, 5, 2}, spec, 1);
  Rng rng(seed);
  stack.init(rng);
  // Random gamma and beta, so that the normalisations' parameters matter.
  for (const ParamBlock& b : arena.blocks())
    if (b.name.ends_with(".gamma") || b.name.ends_with(".beta"))
      for (double& v : arena.values(b.offset, b.size)) v = rng.uniform(0.5, 1.5);
  Matrix x = random_matrix(rng, 3, 60);
  const Matrix r = random_matrix(rng, 3, static_cast<Index>(stack.out_dim()));
  const auto loss = [&] { return project(stack.forward(x, true, 77), r); };
  expect_gradients_match(arena, x, loss, [&](Matrix& dx) { stack.backward(r, &dx); });
}

TEST(ConvStack, GradientsMatchFiniteDifferences) {
  check_gradient({{4, 6}, 3, Pooling::max, 2, 0.0}, 31);
  check_gradient({{4, 6}, 3, Pooling::avg, 2, 0.0}, 32);
  check_gradient({{3}, 1, Pooling::max, 2, 0.0}, 33);
  check_gradient({{4, 2}, 3, Pooling::avg, 2, 0.3}, 34);  // through a fixed dropout mask
}

TEST(ConvStack, DropoutOnlyInTraining) {
  ParameterArena arena;
  ConvStack stack(arena, "img", {8, 8, 1}, {{4}, 3, Pooling::max, 2, 0.5}, 1);
  Rng rng(2);
  stack.init(rng);
  const Matrix x = random_matrix(rng, 2, 64);
  const Matrix eval = stack.forward(x, false, 1);
  EXPECT_EQ(stack.forward(x, false, 2), eval);
  const Matrix train = stack.forward(x, true, 1);
  EXPECT_NE(train, eval);
  EXPECT_NE(stack.forward(x, true, 2), train);
  EXPECT_EQ(stack.forward(x, true, 1), train);
}

TEST(ConvStack, StacksOfDifferentNamesDropDifferentEntries) {
  // Two modalities' stacks see the same streams; their masks must still differ.
  const ConvSpec spec{{4}, 1, Pooling::max, 1, 0.5};
  const auto dropped = [&](const std::string& name) {
    ParameterArena arena;
    ConvStack stack(arena, name, {4, 4, 1}, spec, 1);
    Rng rng(3);
    stack.init(rng);
    const Matrix x = random_matrix(rng, 2, 16);
    return Matrix((stack.forward(x, true, 9).array() == 0.0).cast<double>());
  };
  EXPECT_NE(dropped("cnn1"), dropped("cnn2"));
  EXPECT_EQ(dropped("cnn1"), dropped("cnn1"));
}

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.size()) * sizeof(double)) == 0;
}

TEST(ConvStack, OneAndTwoThreadsGiveTheSameBits) {
  use_threads(1);  // Eigen's own products on one thread, as every command sets up
  struct Result {
    Matrix y, dx;
    std::vector<double> grads;
  };
  const auto run = [](int threads) {
    ParameterArena arena;
    ConvStack stack(arena, "img", {12, 10, 3}, {{8, 16}, 3, Pooling::max, 2, 0.2}, threads);
    Rng rng(41);
    stack.init(rng);
    const Matrix x = random_matrix(rng, 21, 360);  // chunks of 8, 8 and 5 samples
    Result r;
    r.y = stack.forward(x, true, 5);
    stack.backward(random_matrix(rng, 21, static_cast<Index>(stack.out_dim())), &r.dx);
    r.grads.assign(arena.grads().begin(), arena.grads().end());
    return r;
  };
  const Result one = run(1);
  const Result two = run(2);
  EXPECT_TRUE(same_bits(one.y, two.y));
  EXPECT_TRUE(same_bits(one.dx, two.dx));
  ASSERT_EQ(one.grads.size(), two.grads.size());
  EXPECT_EQ(std::memcmp(one.grads.data(), two.grads.data(), one.grads.size() * sizeof(double)), 0);
}

}  // namespace
// A sample's features are the same bits whatever batch, and whatever place in it, it comes in:
// evaluation batches and MPI shards cut batches anywhere (chunks of 8 and a short last one).
TEST(ConvStack, ASampleGivesTheSameBitsAloneAndAnywhereInABatch) {
  ParameterArena arena;
  ConvStack stack(arena, "img", {12, 10, 3}, {{8, 16}, 3, Pooling::max, 2, 0}, 2);
  Rng rng(43);
  stack.init(rng);
  const Matrix x = random_matrix(rng, 21, 360);
  const Matrix batch = stack.forward(x, false, 0);
  for (Index b : {0, 7, 8, 13, 20}) {
    const Matrix alone = stack.forward(x.row(b), false, 0);
    EXPECT_TRUE(same_bits(alone, batch.row(b))) << "sample " << b;
  }
}

}  // namespace qmf::nn
