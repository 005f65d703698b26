// Convolutional front ends (model.frontend = cnn) before every model kind: whole-model gradients
// through the front ends against finite differences, the widths and parameter counts the factory
// builds, the errors for inputs a convolution cannot take, and dropout's seeding.
#include <gtest/gtest.h>

#include "support/model_gradient.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "model/baselines.h"
#include "model/evidential.h"
#include "model/qmfnn.h"
#include "train/config.h"
#include "train/model_factory.h"

namespace qmf::model {
namespace {

// Two small images: 1 x 6 x 5 and 2 x 5 x 4 (channels x rows x cols).
const std::vector<ImageShape> kShapes{{6, 5, 1}, {5, 4, 2}};
const std::vector<std::string> kNames{"left", "right"};

nn::ConvSpec tiny_cnn(nn::Pooling pooling) {
  return {.channels = {2, 3}, .kernel = 3, .pooling = pooling, .pool = 2, .dropout = 0};
}

using Factory = std::function<std::unique_ptr<Model>(const std::vector<size_t>& dims)>;

std::vector<std::pair<std::string, Factory>> kinds() {
  const auto baseline = [](auto make) {
    return [make](const std::vector<size_t>& dims) {
      return make(
          BaselineSpec{.dims = dims, .classes = 3, .hidden = {4}, .fusion_dim = 3, .rank = 2});
    };
  };
  const auto quantum = [](auto make, Fusion fusion) {
    return [make, fusion](const std::vector<size_t>& dims) {
      QmfnnSpec s{.dims = dims, .classes = 3, .settings = {.fusion = fusion}, .threads = 1};
      if (fusion == Fusion::entangle)
        s.settings.k.assign(dims.size(), 2);
      else
        s.settings.k.clear();
      return make(s);
    };
  };
  return {{"early", baseline(make_early)},
          {"late", baseline(make_late)},
          {"tfn", baseline(make_tfn)},
          {"lmf", baseline(make_lmf)},
          {"qmfnn", quantum(make_qmfnn, Fusion::entangle)},
          {"qmfnn_classical", quantum(make_qmfnn_classical, Fusion::entangle)},
          {"evidential", quantum(make_evidential, Fusion::evidential)}};
}

std::vector<nn::Matrix> images(Rng& rng, Eigen::Index batch) {
  std::vector<nn::Matrix> x;
  for (const ImageShape& s : kShapes) {
    nn::Matrix m(batch, static_cast<Eigen::Index>(s.size()));
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    x.push_back(std::move(m));
  }
  return x;
}

std::unique_ptr<Model> with_front_ends(const Factory& make, const nn::ConvSpec& spec) {
  auto model = make(front_end_widths(spec, kShapes, kNames));
  model->add_front_ends(spec, kShapes, 1);
  return model;
}

class FrontEndGradient : public ::testing::TestWithParam<std::tuple<size_t, nn::Pooling>> {};

TEST_P(FrontEndGradient, EveryKindMatchesFiniteDifferencesThroughTheConvolutions) {
  const auto [kind, pooling] = GetParam();
  auto model = with_front_ends(kinds()[kind].second, tiny_cnn(pooling));
  Rng rng(23);
  model->init(rng);
  const auto x = images(rng, 4);
  testing::expect_model_gradients_match(*model, x, {0, 2, 1, 2});
  // The front ends' parameters are among those checked, and they moved the loss.
  EXPECT_NE(model->arena().find("cnn1.conv1.weight"), nullptr);
  EXPECT_NE(model->arena().find("cnn2.conv2.weight"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(EveryKind, FrontEndGradient,
                         ::testing::Combine(::testing::Range<size_t>(0, 7),
                                            ::testing::Values(nn::Pooling::max, nn::Pooling::avg)),
                         [](const auto& test) {
                           return kinds()[std::get<0>(test.param)].first +
                                  (std::get<1>(test.param) == nn::Pooling::max ? "_max" : "_avg");
                         });

TEST(FrontEnd, WidthsFollowThePoolingAndCountsAreClassical) {
  // 6x5 -> 3x2 -> 1x1 and 5x4 -> 2x2 -> 1x1, three channels out.
  EXPECT_EQ(front_end_widths(tiny_cnn(nn::Pooling::max), kShapes, kNames),
            (std::vector<size_t>{3, 3}));
  const nn::ConvSpec one_block{.channels = {4}, .pool = 1};
  EXPECT_EQ(front_end_widths(one_block, kShapes, kNames), (std::vector<size_t>{4 * 30, 4 * 20}));

  auto plain = kinds()[1].second({3, 3});  // late on the front ends' widths, no front ends
  auto model = with_front_ends(kinds()[1].second, tiny_cnn(nn::Pooling::max));
  const nn::ParamCounts with = model->arena().counts(), without = plain->arena().counts();
  // conv (in*9+1)*out + group norm 2*out per block: 1->2->3 and 2->2->3.
  const size_t first = (1 * 9 + 1) * 2 + 4 + (2 * 9 + 1) * 3 + 6;
  const size_t second = (2 * 9 + 1) * 2 + 4 + (2 * 9 + 1) * 3 + 6;
  EXPECT_EQ(with.classical, without.classical + first + second);
  EXPECT_EQ(with.quantum, 0u);
  EXPECT_NE(model->describe().find("cnn1:"), std::string::npos) << model->describe();
}

TEST(FrontEnd, AQuantumModelKeepsItsAnglesQuantum) {
  auto model = with_front_ends(kinds()[4].second, tiny_cnn(nn::Pooling::max));
  auto plain = kinds()[4].second({3, 3});
  EXPECT_EQ(model->arena().counts().quantum, plain->arena().counts().quantum);
  EXPECT_GT(model->arena().counts().classical, plain->arena().counts().classical);
}

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no UsageError)";
}

TEST(FrontEnd, FeatureVectorsAndTooSmallImagesAreUsageErrorsNamingTheModality) {
  const std::string vector = usage_error([] {
    front_end_widths(tiny_cnn(nn::Pooling::max), {{6, 5, 1}, {1, 12, 1}}, kNames);
  });
  EXPECT_NE(vector.find("model.frontend"), std::string::npos) << vector;
  EXPECT_NE(vector.find("'right'"), std::string::npos) << vector;
  const nn::ConvSpec deep{.channels = {2, 2, 2}, .pool = 2};
  const std::string small = usage_error([&] { front_end_widths(deep, kShapes, kNames); });
  EXPECT_NE(small.find("model.cnn"), std::string::npos) << small;
  EXPECT_NE(small.find("'left'"), std::string::npos) << small;
}

TEST(FrontEnd, TheFactoryBuildsEveryKindWithFrontEndsFromTheConfig) {
  data::Multimodal data;
  data.classes = 3;
  data.modality_names = kNames;
  data.image_shapes = kShapes;
  data.train.x = {data::Features(1, 30), data::Features(1, 40)};
  Config c;
  c.train.threads = 1;
  c.model.frontend = Frontend::cnn;
  c.model.cnn = tiny_cnn(nn::Pooling::max);
  c.model.k = {2};
  for (const auto kind : kModelKinds) {
    c.model.kind = kind;
    auto model = train::make_model(c, data);
    EXPECT_NE(model->arena().find("cnn2.norm2.gamma"), nullptr) << kind;
  }
  data.image_shapes[1] = {1, 40, 1};
  const std::string e = usage_error([&] { train::make_model(c, data); });
  EXPECT_NE(e.find("model.frontend"), std::string::npos) << e;
}

TEST(FrontEnd, DropoutDrawsFromThePlacedStreamAndOnlyWhileTraining) {
  nn::ConvSpec spec = tiny_cnn(nn::Pooling::max);
  spec.dropout = 0.5;
  auto model = with_front_ends(kinds()[1].second, spec);
  Rng rng(5);
  model->init(rng);
  const auto x = images(rng, 6);
  const std::vector<int> y{0, 1, 2, 0, 1, 2};
  nn::Matrix p1, p2, p3, e1, e2;
  model->place_draws(100);
  const double l1 = model->forward(x, y, p1, Pass::train);
  model->place_draws(100);
  const double l2 = model->forward(x, y, p2, Pass::train);
  model->place_draws(7);
  const double l3 = model->forward(x, y, p3, Pass::train);
  EXPECT_EQ(l1, l2);
  EXPECT_NE(l1, l3);
  model->place_draws(100);
  model->forward(x, y, e1);
  model->place_draws(7);
  model->forward(x, y, e2);
  EXPECT_EQ(e1, e2);  // evaluation keeps every feature
}

}  // namespace
}  // namespace qmf::model
