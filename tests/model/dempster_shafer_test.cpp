// Classical Dempster-Shafer (model/dempster_shafer.h) on hand-checked cases: simple support
// functions, a worked pignistic example, commutativity and associativity, total conflict.
// Subsets are bitmasks: on the frame {a, b, c}, a = bit 0, b = bit 1, c = bit 2.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "model/dempster_shafer.h"

namespace qmf::model::ds {
namespace {

constexpr size_t kEmpty = 0, kA = 0b001, kB = 0b010, kC = 0b100, kAB = kA | kB;

// On {a, b}: mass `s` on `focal`, the rest on the whole frame (a simple support function).
Mass simple_support(size_t focal, double s, size_t frame = 0b11) {
  Mass m(frame + 1, 0.0);
  m[focal] = s;
  m[frame] += 1 - s;
  return m;
}

Mass random_mass(Rng& rng, int classes) {
  Mass m(size_t{1} << classes);
  double sum = 0;
  for (double& v : m) sum += v = -std::log(1.0 - rng.uniform());  // Dirichlet(1, ..., 1)
  for (double& v : m) v /= sum;
  return m;
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "index " << i;
}

TEST(DempsterShafer, TwoSimpleSupportsOnDifferentClassesConflict) {
  // m1: 0.6 on {a}, 0.4 on {a, b}; m2: 0.7 on {b}, 0.3 on {a, b}.
  //   {a} & {b} = empty: 0.6 * 0.7 = 0.42 (the conflict)
  //   {a} & {a,b} = {a}: 0.6 * 0.3 = 0.18;  {a,b} & {b} = {b}: 0.4 * 0.7 = 0.28
  //   {a,b} & {a,b}: 0.4 * 0.3 = 0.12
  const Mass m1 = simple_support(kA, 0.6), m2 = simple_support(kB, 0.7);
  const Mass both = conjunctive(std::vector<Mass>{m1, m2});
  expect_near(both, {0.42, 0.18, 0.28, 0.12}, 1e-15);
  // Dempster: the non-empty masses divided by 1 - 0.42 = 0.58.
  expect_near(dempster(both), {0.0, 0.18 / 0.58, 0.28 / 0.58, 0.12 / 0.58}, 1e-15);
  // BetP(a) = (0.18 + 0.12 / 2) / 0.58 = 0.24 / 0.58; BetP(b) = (0.28 + 0.06) / 0.58.
  expect_near(pignistic(both), {0.24 / 0.58, 0.34 / 0.58}, 1e-15);
}

TEST(DempsterShafer, TwoSimpleSupportsOnTheSameClassReinforce) {
  // 1 - (1 - 0.6)(1 - 0.5) = 0.8 on {a}, 0.4 * 0.5 = 0.2 on {a, b}, no conflict.
  const Mass both =
      conjunctive(std::vector<Mass>{simple_support(kA, 0.6), simple_support(kA, 0.5)});
  expect_near(both, {0.0, 0.8, 0.0, 0.2}, 1e-15);
  expect_near(dempster(both), both, 1e-15);
  expect_near(pignistic(both), {0.9, 0.1}, 1e-15);
}

TEST(DempsterShafer, PignisticSharesEachMassEquallyAmongItsClasses) {
  // On {a, b, c}: m({a}) = 0.2, m({a, b}) = 0.3, m({a, b, c}) = 0.5.
  //   BetP(a) = 0.2 + 0.3/2 + 0.5/3 = 0.51666...
  //   BetP(b) =       0.3/2 + 0.5/3 = 0.31666...
  //   BetP(c) =               0.5/3 = 0.16666...
  Mass m(8, 0.0);
  m[kA] = 0.2, m[kAB] = 0.3, m[0b111] = 0.5;
  expect_near(pignistic(m), {0.2 + 0.15 + 0.5 / 3, 0.15 + 0.5 / 3, 0.5 / 3}, 1e-15);
  // With 0.2 of conflict on top of the same shape, the rest is renormalised by 1 - 0.2.
  Mass conflicted(8, 0.0);
  conflicted[kEmpty] = 0.2, conflicted[kA] = 0.16, conflicted[kAB] = 0.24, conflicted[0b111] = 0.4;
  expect_near(pignistic(conflicted), pignistic(m), 1e-15);
  expect_near(dempster(conflicted), m, 1e-15);
}

TEST(DempsterShafer, CombinationIsCommutativeAndAssociative) {
  Rng rng(5);
  for (int classes = 1; classes <= 4; ++classes) {
    const Mass a = random_mass(rng, classes), b = random_mass(rng, classes),
               c = random_mass(rng, classes);
    expect_near(conjunctive(std::vector<Mass>{a, b}), conjunctive(std::vector<Mass>{b, a}), 1e-15);
    const Mass ab_c = conjunctive(std::vector<Mass>{conjunctive(std::vector<Mass>{a, b}), c});
    const Mass a_bc = conjunctive(std::vector<Mass>{a, conjunctive(std::vector<Mass>{b, c})});
    expect_near(ab_c, a_bc, 1e-15);
    expect_near(conjunctive(std::vector<Mass>{a, b, c}), ab_c, 1e-15);
  }
}

TEST(DempsterShafer, ThreeSourcesEqualTheSumOverAllTriples) {
  // The definition itself: m(H) = sum over F & G & K = H of m1(F) m2(G) m3(K).
  Rng rng(8);
  const Mass a = random_mass(rng, 3), b = random_mass(rng, 3), c = random_mass(rng, 3);
  Mass want(8, 0.0);
  for (size_t f = 0; f < 8; ++f)
    for (size_t g = 0; g < 8; ++g)
      for (size_t k = 0; k < 8; ++k) want[f & g & k] += a[f] * b[g] * c[k];
  expect_near(conjunctive(std::vector<Mass>{a, b, c}), want, 1e-15);
}

TEST(DempsterShafer, VacuousMassIsNeutral) {
  Rng rng(2);
  const Mass m = random_mass(rng, 3);
  Mass vacuous(8, 0.0);
  vacuous[0b111] = 1;
  expect_near(conjunctive(std::vector<Mass>{m, vacuous}), m, 0.0);
}

TEST(DempsterShafer, TotalConflictIsAnError) {
  // Certain of {a} against certain of {b}: all mass on the empty set.
  const Mass a = simple_support(kA, 1.0), b = simple_support(kB, 1.0);
  const Mass both = conjunctive(std::vector<Mass>{a, b});
  expect_near(both, {1.0, 0.0, 0.0, 0.0}, 0.0);
  EXPECT_THROW(dempster(both), Error);
  EXPECT_THROW(pignistic(both), Error);
  try {
    dempster(both);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("total conflict"), std::string::npos) << e.what();
  }
  // Mass on {c} against {a, b} on a three-class frame: the same.
  Mass c(8, 0.0), ab(8, 0.0);
  c[kC] = 1, ab[kAB] = 1;
  EXPECT_THROW(dempster(conjunctive(std::vector<Mass>{c, ab})), Error);
}

TEST(DempsterShafer, MisuseIsCaught) {
  EXPECT_THROW(classes_of(Mass(3, 1.0 / 3)), std::logic_error);         // not 2^C values
  EXPECT_THROW(dempster(Mass{0.5, 0.6, 0.0, 0.0}), std::logic_error);   // sums to 1.1
  EXPECT_THROW(dempster(Mass{-0.1, 0.6, 0.5, 0.0}), std::logic_error);  // negative
  EXPECT_THROW(conjunctive(std::vector<Mass>{simple_support(kA, 0.5), Mass(8, 0.125)}),
               std::logic_error);  // different frames
  EXPECT_THROW(conjunctive(std::vector<Mass>{}), std::logic_error);
  EXPECT_EQ(classes_of(Mass(16, 1.0 / 16)), 4);
}

}  // namespace
}  // namespace qmf::model::ds
