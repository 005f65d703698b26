// An epoch continued from a mid-epoch state (train_epoch's `from`) equals the uninterrupted
// epoch bit for bit: the batch order is a function of (seed, epoch), so the step count is all
// the continuation needs besides parameters, optimiser state and the running sums.
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/model_factory.h"
#include "train/run.h"
#include "train/trainer.h"

namespace qmf::train {
namespace {

// Everything a mid-epoch checkpoint holds.
struct Snapshot {
  std::vector<double> values;
  nn::OptimizerState optimizer;
  EpochProgress progress;
};

struct Trainee {
  Trainee(const Config& c, const data::Multimodal& d)
      : model(make_model(c, d)), optimizer(make_optimizer(c)) {
    Rng rng(c.train.seed);
    model->init(rng);
  }
  std::vector<double> values() const {
    const auto v = std::as_const(*model).arena().values();
    return {v.begin(), v.end()};
  }
  std::unique_ptr<model::Model> model;
  std::unique_ptr<nn::Optimizer> optimizer;
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Trains epoch 2 whole, then again from the state after each of its steps, and expects the
// same bits every time.
void expect_every_continuation_equals_the_whole_epoch(const Config& c, const StepRules& rules) {
  const data::Multimodal d = load_data(c);
  const auto batch = static_cast<size_t>(c.train.batch);
  qmf::testing::QuietProgress progress;

  Trainee whole(c, d);
  train_epoch(*whole.model, *whole.optimizer, d, 1, 2, batch, c.train.seed, progress, {}, {},
              rules);
  std::vector<Snapshot> snapshots;
  const EpochRow row = train_epoch(
      *whole.model, *whole.optimizer, d, 2, 2, batch, c.train.seed, progress, {},
      [&](const EpochProgress& p, int /*stop_signal*/) {
        snapshots.push_back({whole.values(), whole.optimizer->state(), p});
      },
      rules);
  ASSERT_EQ(snapshots.size(), 6u) << "the hook runs after every step but the epoch's last";

  for (const Snapshot& s : snapshots) {
    SCOPED_TRACE(s.progress.steps);
    Trainee resumed(c, d);
    auto values = resumed.model->arena().values();
    std::copy(s.values.begin(), s.values.end(), values.begin());
    resumed.optimizer->set_state(s.optimizer);
    const EpochRow again = train_epoch(*resumed.model, *resumed.optimizer, d, 2, 2, batch,
                                       c.train.seed, progress, s.progress, {}, rules);
    EXPECT_EQ(again.train_loss, row.train_loss);
    EXPECT_EQ(again.train_acc, row.train_acc);
    EXPECT_EQ(again.test_loss, row.test_loss);
    EXPECT_TRUE(same_bits(resumed.values(), whole.values()));
  }
}

TEST(EpochResume, ContinuingAfterAnyStepEqualsTheWholeEpoch) {
  data::TempDir dir("qmf-epoch-resume");
  qmf::testing::write_fake_mnist(dir.path());
  Config c = qmf::testing::small_config(dir.path(), 2);
  c.train.batch = 24;  // 160 samples: 6 full batches and a short one
  expect_every_continuation_equals_the_whole_epoch(c, {});
}

// Front ends with dropout, and augmented images: their draws are placed by (seed, epoch, step,
// sample), so a continuation draws what the whole epoch drew.
TEST(EpochResume, WithConvolutionalFrontEndsDropoutAndAugmentationToo) {
  data::TempDir dir("qmf-epoch-resume");
  qmf::testing::write_fake_mnist(dir.path());
  Config c = qmf::testing::small_config(dir.path(), 2);
  c.train.batch = 24;
  c.train.threads = 2;
  c.model.kind = "late";
  c.model.hidden = {8};
  c.model.frontend = Frontend::cnn;
  c.model.cnn = {.channels = {4, 8}, .dropout = 0.25};
  expect_every_continuation_equals_the_whole_epoch(c,
                                                   {.augment = {.crop_padding = 2, .flip = true}});
}

TEST(EpochResume, AStepCountBeyondTheEpochIsAnError) {
  data::TempDir dir("qmf-epoch-resume");
  qmf::testing::write_fake_mnist(dir.path());
  const Config c = qmf::testing::small_config(dir.path(), 1);
  const data::Multimodal d = load_data(c);
  qmf::testing::QuietProgress progress;
  Trainee t(c, d);
  EXPECT_THROW(train_epoch(*t.model, *t.optimizer, d, 1, 1, 16, c.train.seed, progress,
                           EpochProgress{.steps = 10}),
               Error);
}

}  // namespace
}  // namespace qmf::train
