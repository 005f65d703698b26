#include "nn/arena.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace qmf::nn {
namespace {

TEST(ParameterArena, OffsetsAreConsecutiveAndCountsSplitByKind) {
  ParameterArena arena;
  EXPECT_EQ(arena.add("ffn1.0.weight", 12, ParamKind::Classical), 0u);
  EXPECT_EQ(arena.add("ffn1.0.bias", 3, ParamKind::Classical), 12u);
  EXPECT_EQ(arena.add("circuit", 20, ParamKind::Quantum), 15u);
  EXPECT_EQ(arena.add("head.bias", 2, ParamKind::Classical), 35u);
  const ParamCounts c = arena.counts();
  EXPECT_EQ(c.classical, 17u);
  EXPECT_EQ(c.quantum, 20u);
  EXPECT_EQ(c.total, 37u);
  EXPECT_EQ(arena.size(), 37u);
  ASSERT_EQ(arena.blocks().size(), 4u);
  EXPECT_EQ(arena.blocks()[2].name, "circuit");
  EXPECT_EQ(arena.block("circuit").offset, 15u);
  EXPECT_EQ(arena.block("circuit").kind, ParamKind::Quantum);
  EXPECT_EQ(arena.find("nothing"), nullptr);
  EXPECT_EQ(arena.block_at(0).name, "ffn1.0.weight");
  EXPECT_EQ(arena.block_at(14).name, "ffn1.0.bias");
  EXPECT_EQ(arena.block_at(34).name, "circuit");
  EXPECT_EQ(arena.block_at(36).name, "head.bias");
}

TEST(ParameterArena, StartsAtZeroAndZeroGradClearsEveryGradient) {
  ParameterArena arena;
  arena.add("a", 3, ParamKind::Classical);
  arena.add("b", 2, ParamKind::Quantum);
  for (double v : arena.values()) EXPECT_EQ(v, 0.0);
  for (double& g : arena.grads()) g = 1.5;
  arena.values()[4] = 2.0;
  arena.zero_grad();
  for (double g : arena.grads()) EXPECT_EQ(g, 0.0);
  EXPECT_EQ(arena.values()[4], 2.0);  // values untouched
}

TEST(ParameterArena, MatrixViewsAreRowMajorOverTheFlatBuffer) {
  ParameterArena arena;
  arena.add("pad", 1, ParamKind::Classical);
  const size_t w = arena.add("w", 6, ParamKind::Classical);
  MatrixMap m = arena.value_matrix(w, 2, 3);
  m(1, 2) = 7.0;
  m(0, 1) = 3.0;
  EXPECT_EQ(arena.values()[w + 1 * 3 + 2], 7.0);
  EXPECT_EQ(arena.values()[w + 0 * 3 + 1], 3.0);
  arena.grad_vector(w, 6)(4) = -1.0;
  EXPECT_EQ(arena.grad_matrix(w, 2, 3)(1, 1), -1.0);
}

TEST(ParameterArena, MisuseIsCaught) {
  ParameterArena arena;
  arena.add("a", 3, ParamKind::Classical);
  EXPECT_THROW(arena.add("a", 1, ParamKind::Classical), std::logic_error);  // duplicate name
  EXPECT_THROW(arena.add("", 1, ParamKind::Classical), std::logic_error);
  EXPECT_FALSE(arena.frozen());
  EXPECT_THROW(arena.values(2, 2), std::logic_error);  // past the end
  EXPECT_THROW(arena.value_matrix(0, 2, 2), std::logic_error);
  EXPECT_THROW(arena.block("b"), std::logic_error);
  EXPECT_TRUE(arena.frozen());  // any view freezes, even a rejected one
  EXPECT_THROW(arena.add("b", 1, ParamKind::Quantum), std::logic_error);
}

TEST(ParameterArena, ConstViewsFreezeToo) {
  ParameterArena arena;
  arena.add("a", 2, ParamKind::Classical);
  const ParameterArena& view = arena;
  EXPECT_EQ(view.grads().size(), 2u);
  EXPECT_THROW(arena.add("b", 1, ParamKind::Classical), std::logic_error);
}

}  // namespace
}  // namespace qmf::nn
