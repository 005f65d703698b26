// The first training losses of the default model (and of the probs readout), pinned (the idea of
// llm.c's test_gpt2): the default configuration, seed and optimiser on a small generated MNIST, one
// fixed batch of 64 stepped on eight times. Any change to initialisation, the forward pass, the
// gradients or the optimiser moves these numbers; a change meant to keep results must keep them.
// The losses were taken from this implementation when they were pinned; they must also fall, which
// holds for any correct one. The tolerance allows the kernels of another instruction set (the sums'
// rounding), never a different computation.
#include <cmath>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng.h"
#include "data/batch.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "train/model_factory.h"
#include "train/run.h"

namespace qmf::train {
namespace {

std::vector<double> first_losses(const Config& c, size_t steps) {
  const data::Multimodal data = load_data(c);
  auto model = make_model(c, data);
  auto optimizer = make_optimizer(c);
  Rng rng(c.train.seed);
  model->init(rng);
  std::vector<size_t> idx(static_cast<size_t>(c.train.batch));
  std::iota(idx.begin(), idx.end(), 0);
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  nn::Matrix probs;
  data::gather(data.train, idx, x, y);
  std::vector<double> losses;
  for (size_t s = 0; s < steps; ++s) {
    losses.push_back(model->forward(x, y, probs));
    model->backward();
    optimizer->step(model->arena());
  }
  return losses;
}

// Steps a model on the fixed batch and checks the losses against `pinned` and that they fall.
void expect_first_losses(const Config& c, const std::vector<double>& pinned) {
  const std::vector<double> losses = first_losses(c, pinned.size());
  ASSERT_EQ(losses.size(), pinned.size());
  for (size_t s = 0; s < losses.size(); ++s)
    EXPECT_NEAR(losses[s], pinned[s], 1e-9 * std::abs(pinned[s])) << "step " << s + 1;
  for (size_t s = 1; s < losses.size(); ++s)
    EXPECT_LT(losses[s], losses[s - 1]) << "the loss rose at step " << s + 1;
}

Config default_config(const data::TempDir& tmp) {
  testing::write_fake_mnist(tmp.path(), 128, 32);
  Config c;  // every default: qmfnn, k = 4, expval readout, mnist/split-h2, Adam, seed 0
  c.data.dir = tmp.path().string();
  c.train.threads = 1;
  return c;
}

TEST(FirstLossesGolden, DefaultModelOnAFixedBatch) {
  const data::TempDir tmp("qmf-golden-losses");
  expect_first_losses(
      default_config(tmp),
      {2.3537177938328067, 2.3464686097407146, 2.3203249473116672, 2.3008447592546455,
       2.2848078824920859, 2.270435082392285, 2.2564088669243114, 2.2418203180588807});
}

TEST(FirstLossesGolden, ProbsReadoutOnAFixedBatch) {
  const data::TempDir tmp("qmf-golden-losses");
  Config c = default_config(tmp);
  c.model.readout = Readout::probs;
  expect_first_losses(
      c, {2.3224223105434536, 2.1958689756233967, 2.0450481314597644, 1.9545434352799225,
          1.8791307826286101, 1.8093687095285111, 1.741388375566655, 1.6739111408032392});
}

}  // namespace
}  // namespace qmf::train
