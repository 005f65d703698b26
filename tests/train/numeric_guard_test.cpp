// The numerical guards name where training diverged: epoch, step and the first parameter block
// with a non-finite gradient, or the loss when the gradients are finite.
#include "train/numeric_guard.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"

namespace qmf::train {
namespace {

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no qmf::Error";
  return {};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class NumericGuard : public ::testing::Test {
 protected:
  NumericGuard() {
    arena_.add("ffn1.0.weight", 3, nn::ParamKind::Classical);
    arena_.add("ffn1.0.bias", 2, nn::ParamKind::Classical);
    arena_.add("fusion.0.angles", 4, nn::ParamKind::Quantum);
  }
  nn::ParameterArena arena_;
};

TEST_F(NumericGuard, FiniteStepPasses) {
  EXPECT_NO_THROW(check_loss_and_grads(arena_, 0.5, {1, 1}));
  EXPECT_NO_THROW(check_values(arena_, {1, 1}));
}

TEST_F(NumericGuard, NamesTheFirstBlockWithANonFiniteGradient) {
  arena_.grads()[6] = std::numeric_limits<double>::quiet_NaN();  // fusion.0.angles
  arena_.grads()[4] = std::numeric_limits<double>::infinity();   // ffn1.0.bias, first
  const std::string m = message_of([&] { check_loss_and_grads(arena_, std::nan(""), {3, 17}); });
  EXPECT_TRUE(has(m, "epoch 3, step 17")) << m;
  EXPECT_TRUE(has(m, "ffn1.0.bias")) << m;
  EXPECT_FALSE(has(m, "fusion.0.angles")) << m;
}

TEST_F(NumericGuard, SaysTheLossWhenTheGradientsAreFinite) {
  const std::string m = message_of([&] {
    check_loss_and_grads(arena_, std::numeric_limits<double>::infinity(), {2, 5});
  });
  EXPECT_TRUE(has(m, "epoch 2, step 5")) << m;
  EXPECT_TRUE(has(m, "loss itself is inf")) << m;
}

TEST_F(NumericGuard, NamesTheBlockAnUpdateMadeNonFinite) {
  arena_.values()[8] = -std::numeric_limits<double>::infinity();
  const std::string m = message_of([&] { check_values(arena_, {1, 2}); });
  EXPECT_TRUE(has(m, "epoch 1, step 2")) << m;
  EXPECT_TRUE(has(m, "fusion.0.angles")) << m;
}

}  // namespace
}  // namespace qmf::train
