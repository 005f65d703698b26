#include "nn/optim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace qmf::nn {
namespace {

// Three parameters in two blocks of different kinds: the optimisers treat the arena as one.
struct Fixture {
  ParameterArena arena;
  Fixture() {
    arena.add("w", 2, ParamKind::Classical);
    arena.add("circuit", 1, ParamKind::Quantum);
    set(arena.values(), {1.0, -2.0, 0.5});
  }
  static void set(std::span<double> s, const std::vector<double>& v) {
    std::copy(v.begin(), v.end(), s.begin());
  }
  void grads(const std::vector<double>& g) { set(arena.grads(), g); }
  double value(size_t i) { return arena.values()[i]; }
};

TEST(Adam, FirstTwoStepsFollowTheFormula) {
  Fixture f;
  Adam adam;  // defaults: lr 0.01, betas 0.9 / 0.999, eps 1e-8
  const std::vector<double> p0 = {1.0, -2.0, 0.5};
  const std::vector<double> g1 = {0.1, -0.3, 0.0};
  const std::vector<double> g2 = {0.2, 0.1, -0.5};
  f.grads(g1);
  adam.step(f.arena);
  f.grads(g2);
  adam.step(f.arena);
  EXPECT_EQ(adam.state().step, 2u);
  for (size_t i = 0; i < 3; ++i) {
    // Step 1: m = 0.1 g1, v = 0.001 g1^2; corrections 1 - 0.9 and 1 - 0.999.
    const double m1 = 0.1 * g1[i];
    const double v1 = 0.001 * g1[i] * g1[i];
    const double p1 = p0[i] - 0.01 * (m1 / 0.1) / (std::sqrt(v1 / 0.001) + 1e-8);
    // Step 2: corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999.
    const double m2 = 0.9 * m1 + 0.1 * g2[i];
    const double v2 = 0.999 * v1 + 0.001 * g2[i] * g2[i];
    const double p2 = p1 - 0.01 * (m2 / 0.19) / (std::sqrt(v2 / 0.001999) + 1e-8);
    EXPECT_NEAR(f.value(i), p2, 1e-14) << "parameter " << i;
    EXPECT_NEAR(adam.state().buffers[0][i], m2, 1e-16);
    EXPECT_NEAR(adam.state().buffers[1][i], v2, 1e-16);
  }
  // The same for parameter 0 with the arithmetic done by hand: bias correction makes the first
  // step lr * g / |g|; then m = 0.9 * 0.01 + 0.1 * 0.2 = 0.029, v = 0.999e-5 + 0.001 * 0.04.
  // Leaving eps out moves the result by about 2e-9.
  EXPECT_NEAR(f.value(0), 0.99 - 0.01 * (0.029 / 0.19) / std::sqrt(4.999e-5 / 0.001999), 1e-8);
}

TEST(Adam, RestoredStateContinuesIdentically) {
  Fixture a;
  Fixture b;
  Adam first;
  a.grads({0.3, -0.1, 0.2});
  first.step(a.arena);
  b.grads({0.3, -0.1, 0.2});
  Adam warm;
  warm.step(b.arena);
  Adam resumed;
  resumed.set_state(warm.state());
  a.grads({-0.2, 0.4, 0.05});
  b.grads({-0.2, 0.4, 0.05});
  first.step(a.arena);
  resumed.step(b.arena);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a.value(i), b.value(i));
  EXPECT_EQ(resumed.state().step, 2u);
}

TEST(Adam, StateMustMatchTheArena) {
  Fixture f;
  Adam adam;
  OptimizerState wrong_count{1, {std::vector<double>(3)}};
  EXPECT_THROW(adam.set_state(wrong_count), std::logic_error);
  adam.set_state({1, {std::vector<double>(4), std::vector<double>(4)}});
  EXPECT_THROW(adam.step(f.arena), std::logic_error);
  EXPECT_THROW(Adam(AdamConfig{.lr = 0.01, .beta1 = 1.0}), std::logic_error);
}

TEST(Sgd, PlainStepIsLrTimesGradient) {
  Fixture f;
  Sgd sgd({.lr = 0.5});
  f.grads({0.2, -0.4, 1.0});
  sgd.step(f.arena);
  EXPECT_DOUBLE_EQ(f.value(0), 1.0 - 0.1);
  EXPECT_DOUBLE_EQ(f.value(1), -2.0 + 0.2);
  EXPECT_DOUBLE_EQ(f.value(2), 0.5 - 0.5);
  EXPECT_TRUE(sgd.state().buffers.empty());
}

TEST(Sgd, MomentumAccumulatesVelocity) {
  Fixture f;
  Sgd sgd({.lr = 0.1, .momentum = 0.9});
  f.grads({1.0, 0.0, -1.0});
  sgd.step(f.arena);  // u = g
  f.grads({1.0, 2.0, 0.0});
  sgd.step(f.arena);  // u = 0.9 g1 + g2 = {1.9, 2, -0.9}
  EXPECT_NEAR(f.value(0), 1.0 - 0.1 * 1.0 - 0.1 * 1.9, 1e-15);
  EXPECT_NEAR(f.value(1), -2.0 - 0.1 * 2.0, 1e-15);
  EXPECT_NEAR(f.value(2), 0.5 + 0.1 * 1.0 + 0.1 * 0.9, 1e-15);
  EXPECT_EQ(sgd.state().step, 2u);
  EXPECT_EQ(sgd.kind(), OptimizerKind::sgd);
}

// AdamW (decoupled decay): p *= 1 - lr wd, then the Adam step on the decayed p, with moments of
// the gradient alone.
TEST(Adam, DecoupledWeightDecayMatchesAHandComputation) {
  Fixture f;
  Adam adamw({.lr = 0.1, .weight_decay = 0.5});
  f.grads({0.2, -0.4, 0.0});
  adamw.step(f.arena);
  // First step: bias-corrected m / sqrt(v) = g / (|g| + eps), so the update is lr sign(g)
  // (0 for g = 0); the decay keeps 1 - 0.1 * 0.5 = 0.95 of each value.
  EXPECT_NEAR(f.value(0), 1.0 * 0.95 - 0.1 * 0.2 / (0.2 + 1e-8), 1e-15);
  EXPECT_NEAR(f.value(1), -2.0 * 0.95 + 0.1 * 0.4 / (0.4 + 1e-8), 1e-15);
  EXPECT_NEAR(f.value(2), 0.5 * 0.95, 1e-15);
  // The moments hold the gradient only: the decay is outside them (not L2 in the loss).
  EXPECT_NEAR(adamw.state().buffers[0][0], 0.1 * 0.2, 1e-17);
  EXPECT_NEAR(adamw.state().buffers[1][1], 0.001 * 0.16, 1e-17);
}

TEST(Adam, NoWeightDecayLeavesTheStepAsItWas) {
  Fixture a, b;
  Adam plain, zero({.weight_decay = 0.0});
  a.grads({0.3, 0.1, -0.2});
  b.grads({0.3, 0.1, -0.2});
  plain.step(a.arena);
  zero.step(b.arena);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(a.value(i), b.value(i));
}

TEST(Sgd, DecoupledWeightDecayShrinksBeforeTheStep) {
  Fixture f;
  Sgd sgd({.lr = 0.5, .weight_decay = 0.1});
  f.grads({0.2, -0.4, 1.0});
  sgd.step(f.arena);
  // p (1 - 0.05) - 0.5 g
  EXPECT_NEAR(f.value(0), 0.95 - 0.1, 1e-15);
  EXPECT_NEAR(f.value(1), -1.9 + 0.2, 1e-15);
  EXPECT_NEAR(f.value(2), 0.475 - 0.5, 1e-15);
}

TEST(Sgd, MomentumFromTheSettingsUsedByTheConfig) {
  Fixture f;
  const auto sgd =
      make_optimizer({.kind = OptimizerKind::sgd, .lr = 0.1, .weight_decay = 0.0, .momentum = 0.5});
  f.grads({1.0, 0.0, 0.0});
  sgd->step(f.arena);
  sgd->step(f.arena);  // u = 0.5 * 1 + 1 = 1.5
  EXPECT_NEAR(f.value(0), 1.0 - 0.1 - 0.15, 1e-15);
  ASSERT_EQ(sgd->state().buffers.size(), 1u);
  EXPECT_NEAR(sgd->state().buffers[0][0], 1.5, 1e-15);
}

TEST(ClipGradNorm, ScalesToTheLimitAndKeepsTheDirection) {
  Fixture f;
  f.grads({3.0, 0.0, -4.0});  // norm 5
  EXPECT_DOUBLE_EQ(clip_grad_norm(f.arena, 1.0), 5.0);
  const auto g = std::as_const(f.arena).grads();
  EXPECT_NEAR(std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]), 1.0, 1e-15);
  EXPECT_NEAR(g[0], 0.6, 1e-15);
  EXPECT_NEAR(g[2], -0.8, 1e-15);
}

TEST(ClipGradNorm, LeavesGradientsWithinTheLimitAlone) {
  Fixture f;
  f.grads({0.3, 0.0, -0.4});  // norm 0.5
  EXPECT_DOUBLE_EQ(clip_grad_norm(f.arena, 1.0), 0.5);
  const auto g = std::as_const(f.arena).grads();
  EXPECT_EQ(g[0], 0.3);
  EXPECT_EQ(g[2], -0.4);
}

}  // namespace
}  // namespace qmf::nn
