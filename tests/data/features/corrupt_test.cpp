#include "data/features/corrupt.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace qmf::data {
namespace {

Split make_split(size_t n) {
  Split s;
  s.x.push_back(Features::Constant(static_cast<Eigen::Index>(n), 50, 0.5f));
  s.x.push_back(Features::Constant(static_cast<Eigen::Index>(n), 30, 0.25f));
  s.y.assign(n, 0);
  return s;
}

size_t changed_rows(const Features& x, float clean) {
  size_t changed = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) changed += (x.row(i).array() != clean).any();
  return changed;
}

TEST(Corrupt, BlanksTheChosenFractionOfOneModalityOnly) {
  Split s = make_split(200);
  const size_t n = corrupt(s, {.modality = 2, .kind = CorruptKind::blank, .fraction = 0.3}, 7);
  EXPECT_EQ(n, 60u);
  EXPECT_EQ(changed_rows(s.x[1], 0.25f), 60u);
  EXPECT_EQ(changed_rows(s.x[0], 0.5f), 0u);
  size_t zero_rows = 0;
  for (Eigen::Index i = 0; i < s.x[1].rows(); ++i) zero_rows += s.x[1].row(i).isZero(0);
  EXPECT_EQ(zero_rows, 60u);
}

TEST(Corrupt, NoiseHasTheRequestedSpread) {
  Split s = make_split(400);
  corrupt(s, {.modality = 1, .kind = CorruptKind::noise, .fraction = 1.0, .sigma = 0.2}, 3);
  const Eigen::ArrayXXf d = s.x[0].array() - 0.5f;
  const double mean = d.mean();
  const double sd = std::sqrt((d - static_cast<float>(mean)).square().mean());
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(sd, 0.2, 0.01);
  EXPECT_EQ(changed_rows(s.x[1], 0.25f), 0u);
}

TEST(Corrupt, SameSeedSameDamageOtherSeedOther) {
  Split a = make_split(100), b = make_split(100), c = make_split(100);
  const Corruption noise{.modality = 1, .kind = CorruptKind::noise, .fraction = 0.5};
  corrupt(a, noise, 1);
  corrupt(b, noise, 1);
  corrupt(c, noise, 2);
  EXPECT_EQ(a.x[0], b.x[0]);
  EXPECT_NE(a.x[0], c.x[0]);
}

TEST(Corrupt, InactiveLeavesEverythingAndBadModalityIsAUsageError) {
  Split s = make_split(10);
  EXPECT_EQ(corrupt(s, {}, 1), 0u);
  EXPECT_EQ(corrupt(s, {.modality = 1, .fraction = 0}, 1), 0u);
  EXPECT_EQ(changed_rows(s.x[0], 0.5f), 0u);
  try {
    corrupt(s, {.modality = 3}, 1);
    ADD_FAILURE() << "modality 3 of 2 accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("data.corrupt.modality: 3 is outside [1, 2]"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace qmf::data
