// Binomial draws against their exact moments and distribution (both algorithms: inversion for
// n min(p, 1-p) < 10, BTRD above), and shot sampling against the multinomial it stands for:
// sums, granularity, unbiasedness, a chi-square test, one stream per row whatever the batching,
// one-shot rows, and the rows it refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "noise/shots.h"

namespace qmf {
namespace {

using noise::binomial;
using noise::sample_shots;

// Upper 0.001 quantile of chi-square with `df` degrees of freedom by Wilson and Hilferty's cube
// approximation, chi2 ~ df (1 - 2/(9 df) + z sqrt(2/(9 df)))^3 with z = 3.0902 the standard
// normal's upper 0.001 quantile. Against the exact quantiles it is a little high: 24.53 for
// 24.32 at df = 7, 59.81 for 59.70 at df = 30, 100.96 for 100.89 at df = 61; close enough
// for a test at alpha = 1e-3 (the binomial tests pool into 13 to 1100 bins).
double chi2_critical_001(double df) {
  constexpr double z = 3.090232306167813;
  const double s = 2 / (9 * df);
  return df * std::pow(1 - s + z * std::sqrt(s), 3);
}

// Pearson's statistic of observed against expected counts, after pooling neighbouring bins
// until each expects at least 5 (a last small bin joins the one before). Returns {statistic,
// degrees of freedom = pooled bins - 1}.
std::pair<double, double> chi_square(const std::vector<double>& observed,
                                     const std::vector<double>& expected) {
  std::vector<double> o, e;
  double po = 0, pe = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    po += observed[i];
    pe += expected[i];
    if (pe >= 5) {
      o.push_back(po);
      e.push_back(pe);
      po = pe = 0;
    }
  }
  if (pe > 0 || po > 0) {
    o.back() += po;
    e.back() += pe;
  }
  double stat = 0;
  for (size_t i = 0; i < o.size(); ++i) stat += (o[i] - e[i]) * (o[i] - e[i]) / e[i];
  return {stat, static_cast<double>(o.size() - 1)};
}

double binomial_pmf(uint64_t n, double p, uint64_t k) {
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return std::exp(std::lgamma(nd + 1) - std::lgamma(kd + 1) - std::lgamma(nd - kd + 1) +
                  kd * std::log(p) + (nd - kd) * std::log1p(-p));
}

struct Case {
  uint64_t n;
  double p;
};

// Mean and variance over 200,000 draws within 5 standard errors of n p and n p q. The standard
// error of the sample variance is sqrt((mu4 - sigma^4) / N), with the binomial's fourth central
// moment mu4 = npq (1 + 3 (n - 2) p q).
TEST(NoiseBinomial, MeanAndVarianceOfBothAlgorithms) {
  const Case cases[] = {{10, 0.3},   {1000, 0.5},    {100000, 0.01},  {1000000, 0.9},
                        {19, 0.5},   {25, 0.4},      {1000000, 4e-6}, {7, 0.999},
                        {300, 0.97}, {1000000, 0.49}};
  constexpr int kDraws = 200000;
  for (const auto& [n, p] : cases) {
    Rng rng(mix_seed(11, n));
    double sum = 0, sum2 = 0;
    std::vector<double> x(kDraws);
    for (auto& v : x) {
      const uint64_t k = binomial(rng, n, p);
      ASSERT_LE(k, n);
      v = static_cast<double>(k);
      sum += v;
    }
    const double mean = sum / kDraws;
    for (double v : x) sum2 += (v - mean) * (v - mean);
    const double var = sum2 / (kDraws - 1);
    const double nd = static_cast<double>(n), npq = nd * p * (1 - p);
    const double mu4 = npq * (1 + 3 * (nd - 2) * p * (1 - p));
    EXPECT_NEAR(mean, nd * p, 5 * std::sqrt(npq / kDraws)) << "n=" << n << " p=" << p;
    EXPECT_NEAR(var, npq, 5 * std::sqrt((mu4 - npq * npq) / kDraws)) << "n=" << n << " p=" << p;
  }
}

TEST(NoiseBinomial, CertainOutcomesAreExact) {
  Rng rng(3);
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{17}, uint64_t{1000000}}) {
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(binomial(rng, n, 0.0), 0u);
      EXPECT_EQ(binomial(rng, n, 1.0), n);
    }
  }
  EXPECT_EQ(binomial(rng, 0, 0.3), 0u);
}

// The whole distribution at a fixed seed: Pearson's chi-square of 1,000,000 draws against the
// exact probabilities, at alpha = 1e-3. (20, 0.35) and (1000, 0.003) take the inversion branch;
// (25, 0.4) is BTRD at its smallest mean, (200, 0.4) reaches its squeeze and Stirling steps in the
// tails (|k - m| > 15, about 3% of draws) and (100000, 0.3) takes them for nearly every draw.
TEST(NoiseBinomial, ChiSquareAgainstTheExactDistribution) {
  const Case cases[] = {{20, 0.35}, {1000, 0.003}, {25, 0.4}, {200, 0.4}, {100000, 0.3}};
  constexpr int kDraws = 1000000;
  for (const auto& [n, p] : cases) {
    Rng rng(mix_seed(2024, n));
    std::vector<double> observed(n + 1), expected(n + 1);
    for (int i = 0; i < kDraws; ++i) observed[binomial(rng, n, p)] += 1;
    for (uint64_t k = 0; k <= n; ++k) expected[k] = kDraws * binomial_pmf(n, p, k);
    const auto [stat, df] = chi_square(observed, expected);
    EXPECT_LT(stat, chi2_critical_001(df)) << "n=" << n << " p=" << p << " df=" << df;
  }
}

// A normal approximation rounded to integers would pass the moment test at large n; this one it
// fails: at (n = 30, p = 0.4), in the BTRD range, its skew shows in 10^6 draws.
TEST(NoiseBinomial, ChiSquareTellsARoundedNormalApart) {
  constexpr uint64_t n = 30;
  constexpr double p = 0.4;
  constexpr int kDraws = 1000000;
  Rng rng(9);
  std::vector<double> observed(n + 1), expected(n + 1);
  const double sd = std::sqrt(n * p * (1 - p));
  for (int i = 0; i < kDraws; ++i) {
    const double x = std::round(n * p + sd * rng.normal());
    observed[static_cast<size_t>(std::clamp(x, 0.0, static_cast<double>(n)))] += 1;
  }
  for (uint64_t k = 0; k <= n; ++k) expected[k] = kDraws * binomial_pmf(n, p, k);
  const auto [stat, df] = chi_square(observed, expected);
  EXPECT_GT(stat, chi2_critical_001(df));  // the test has the power to catch an approximation
}

// The draws are part of every shot-noise result: changing them must be deliberate. Sums of
// 1000 draws per branch at seed 1 (recorded from this implementation).
TEST(NoiseBinomial, DrawsArePinnedForASeed) {
  Rng rng(1);
  uint64_t inversion = 0, btrd = 0, flipped = 0;
  for (int i = 0; i < 1000; ++i) inversion += binomial(rng, 20, 0.35);
  for (int i = 0; i < 1000; ++i) btrd += binomial(rng, 100000, 0.3);
  for (int i = 0; i < 1000; ++i) flipped += binomial(rng, 1000, 0.8);
  EXPECT_EQ(inversion, 7104u);
  EXPECT_EQ(btrd, 30001994u);
  EXPECT_EQ(flipped, 799428u);
}

// Random rows of `outcomes` probabilities, some of them zero.
std::vector<double> random_rows(Rng& rng, size_t rows, size_t outcomes) {
  std::vector<double> m(rows * outcomes);
  for (size_t b = 0; b < rows; ++b) {
    double sum = 0;
    for (size_t c = 0; c < outcomes; ++c) {
      const double x = rng.uniform() < 0.2 ? 0.0 : -std::log(1 - rng.uniform());
      m[b * outcomes + c] = x;
      sum += x;
    }
    if (sum == 0) m[b * outcomes] = sum = 1;
    for (size_t c = 0; c < outcomes; ++c) m[b * outcomes + c] /= sum;
  }
  return m;
}

TEST(NoiseShots, FrequenciesSumToOneInStepsOfOneOverShots) {
  Rng rng(4);
  constexpr size_t kRows = 50, kOutcomes = 6;
  for (uint64_t shots : {uint64_t{1}, uint64_t{3}, uint64_t{1000}, uint64_t{123457}}) {
    const auto probs = random_rows(rng, kRows, kOutcomes);
    auto freq = probs;
    sample_shots(freq, kOutcomes, shots, 5, 0);
    for (size_t b = 0; b < kRows; ++b) {
      double sum = 0;
      uint64_t counts = 0;
      for (size_t c = 0; c < kOutcomes; ++c) {
        const double f = freq[b * kOutcomes + c], count = f * static_cast<double>(shots);
        EXPECT_NEAR(count, std::round(count), 1e-6) << "shots=" << shots;
        EXPECT_GE(f, 0.0);
        if (probs[b * kOutcomes + c] == 0) {
          EXPECT_EQ(f, 0.0);
        }
        sum += f;
        counts += static_cast<uint64_t>(std::round(count));
      }
      EXPECT_EQ(counts, shots);
      EXPECT_NEAR(sum, 1.0, 1e-12);
    }
  }
}

// 12,000 rows of the same distribution at 50 shots (three seeds): each outcome's mean frequency
// within 5 standard errors sqrt(p(1-p) / (shots rows)) of p, and its variance across rows within
// 5 standard errors of the multinomial's p(1-p)/shots.
TEST(NoiseShots, UnbiasedWithTheMultinomialVariance) {
  const std::vector<double> p{0.4, 0.25, 0.001, 0.2, 0.0, 0.149};
  const size_t outcomes = p.size();
  constexpr size_t kRows = 4000;
  constexpr uint64_t kShots = 50;
  std::vector<double> sum(outcomes), sum2(outcomes);
  size_t rows = 0;
  for (uint64_t seed : {1, 2, 3}) {
    std::vector<double> m;
    for (size_t b = 0; b < kRows; ++b) m.insert(m.end(), p.begin(), p.end());
    sample_shots(m, outcomes, kShots, seed, 0);
    for (size_t b = 0; b < kRows; ++b)
      for (size_t c = 0; c < outcomes; ++c) {
        sum[c] += m[b * outcomes + c];
        sum2[c] += m[b * outcomes + c] * m[b * outcomes + c];
      }
    rows += kRows;
  }
  const double r = static_cast<double>(rows), shots = static_cast<double>(kShots);
  for (size_t c = 0; c < outcomes; ++c) {
    const double mean = sum[c] / r, var = sum2[c] / r - mean * mean;
    const double want_var = p[c] * (1 - p[c]) / shots;
    EXPECT_NEAR(mean, p[c], 5 * std::sqrt(want_var / r)) << "outcome " << c;
    // Var of a sample variance ~ (mu4 - sigma^4) / rows; a count's mu4 is
    // npq (1 + 3 (n - 2) pq), in frequency units divided by shots^4.
    const double npq = shots * p[c] * (1 - p[c]);
    const double mu4 = npq * (1 + 3 * (shots - 2) * p[c] * (1 - p[c])) / std::pow(shots, 4);
    EXPECT_NEAR(var, want_var, 5 * std::sqrt((mu4 - want_var * want_var) / r) + 1e-15)
        << "outcome " << c;
  }
}

// One row of 8 outcomes at 10,000 shots, fixed seed: Pearson's chi-square of the counts against
// the exact probabilities (every expected count >= 100), 7 degrees of freedom, below the table's
// 24.322 (alpha = 1e-3).
TEST(NoiseShots, ChiSquareOfOneRow) {
  const std::vector<double> p{0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02};
  constexpr double kShots = 10000;
  auto m = p;
  sample_shots(m, p.size(), 10000, 77, 3);
  std::vector<double> observed, expected;
  for (size_t c = 0; c < p.size(); ++c) {
    observed.push_back(m[c] * kShots);
    expected.push_back(p[c] * kShots);
  }
  const auto [stat, df] = chi_square(observed, expected);
  EXPECT_EQ(df, 7.0);
  EXPECT_LT(stat, 24.322);
}

TEST(NoiseShots, SameStreamsWhateverTheBatching) {
  Rng rng(8);
  constexpr size_t kRows = 10, kOutcomes = 5;
  const auto probs = random_rows(rng, kRows, kOutcomes);
  auto once = probs, again = probs;
  sample_shots(once, kOutcomes, 1000, 7, 100);
  sample_shots(again, kOutcomes, 1000, 7, 100);
  EXPECT_EQ(once, again);

  // Rows 0-3 and 4-9 in two calls, each told where it starts.
  auto split = probs;
  std::span<double> all(split);
  sample_shots(all.first(4 * kOutcomes), kOutcomes, 1000, 7, 100);
  sample_shots(all.subspan(4 * kOutcomes), kOutcomes, 1000, 7, 104);
  EXPECT_EQ(split, once);

  // One row alone.
  std::vector<double> row(probs.begin() + 6 * kOutcomes, probs.begin() + 7 * kOutcomes);
  sample_shots(row, kOutcomes, 1000, 7, 106);
  EXPECT_TRUE(std::equal(row.begin(), row.end(), once.begin() + 6 * kOutcomes));

  // Another seed or another offset gives other draws.
  auto other_seed = probs, other_row = probs;
  sample_shots(other_seed, kOutcomes, 1000, 8, 100);
  sample_shots(other_row, kOutcomes, 1000, 7, 101);
  EXPECT_NE(other_seed, once);
  EXPECT_NE(other_row, once);
}

TEST(NoiseShots, OneShotGivesOneHotRows) {
  const std::vector<double> p{0.5, 0.0, 0.3, 0.2};
  constexpr size_t kRows = 300;
  std::vector<double> m;
  for (size_t b = 0; b < kRows; ++b) m.insert(m.end(), p.begin(), p.end());
  sample_shots(m, p.size(), 1, 21, 0);
  std::vector<int> hits(p.size());
  for (size_t b = 0; b < kRows; ++b) {
    int ones = 0;
    for (size_t c = 0; c < p.size(); ++c) {
      const double f = m[b * p.size() + c];
      EXPECT_TRUE(f == 0.0 || f == 1.0) << f;
      if (f == 1.0) {
        ++ones;
        ++hits[c];
      }
    }
    EXPECT_EQ(ones, 1) << "row " << b;
  }
  EXPECT_EQ(hits[1], 0);  // never the impossible outcome
  for (size_t c : {0u, 2u, 3u}) EXPECT_GT(hits[c], 30) << "outcome " << c;
}

// The message of the qmf::Error that sample_shots throws; the marginal must be left unchanged.
std::string error_of(std::vector<double> m, size_t outcomes, uint64_t shots, uint64_t first_row) {
  const auto before = m;
  try {
    sample_shots(m, outcomes, shots, 1, first_row);
  } catch (const Error& e) {
    // Bytes, not values: a NaN entry must stay the same NaN.
    EXPECT_EQ(std::memcmp(m.data(), before.data(), m.size() * sizeof(double)), 0)
        << "a refused batch was changed";
    return e.what();
  }
  return "(no error)";
}

TEST(NoiseShots, BadRowsThrowNamingTheRow) {
  const std::vector<double> good{0.25, 0.25, 0.5};
  auto with_row1 = [&](std::vector<double> bad) {
    auto m = good;
    m.insert(m.end(), bad.begin(), bad.end());
    return m;
  };
  auto has = [](const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
  };
  const std::string negative = error_of(with_row1({0.6, -0.1, 0.5}), 3, 100, 40);
  EXPECT_TRUE(has(negative, "row 41") && has(negative, "outcome 1")) << negative;
  const std::string nan = error_of(with_row1({0.5, 0.5, std::nan("")}), 3, 100, 0);
  EXPECT_TRUE(has(nan, "row 1") && has(nan, "outcome 2")) << nan;
  const std::string inf = error_of(with_row1({INFINITY, 0.0, 0.0}), 3, 100, 0);
  EXPECT_TRUE(has(inf, "row 1") && has(inf, "outcome 0")) << inf;
  const std::string half = error_of(with_row1({0.25, 0.25, 0.0}), 3, 100, 0);
  EXPECT_TRUE(has(half, "row 1") && has(half, "sums to 0.5")) << half;
  const std::string off = error_of(with_row1({0.5, 0.5, 2e-6}), 3, 100, 0);
  EXPECT_TRUE(has(off, "row 1")) << off;
  const std::string no_shots = error_of(good, 3, 0, 0);
  EXPECT_TRUE(has(no_shots, "shots")) << no_shots;
  const std::string too_many = error_of(good, 3, (uint64_t{1} << 53) + 1, 0);
  EXPECT_TRUE(has(too_many, "shots")) << too_many;
}

TEST(NoiseShots, RoundingIsForgiven) {
  // A sum 5e-7 off and an entry of -1e-13 are rounding: renormalised, and the entry counts as 0.
  std::vector<double> m{0.5 + 5e-7, -1e-13, 0.5};
  ASSERT_EQ(error_of(m, 3, 100, 0), "(no error)");
  sample_shots(m, 3, 1000, 2, 0);
  EXPECT_EQ(m[1], 0.0);
  EXPECT_NEAR(m[0] + m[2], 1.0, 1e-12);
}

TEST(NoiseShots, ThreadsShareTheRowsWithoutChangingThem) {
  std::vector<double> one(size_t{40} * 4), two;
  for (size_t b = 0; b < 40; ++b)
    for (size_t c = 0; c < 4; ++c) one[b * 4 + c] = (c + 1 + b % 3) / (10.0 + 4.0 * (b % 3));
  two = one;
  noise::sample_shots(one, 4, 500, 17, 3, 1);
  noise::sample_shots(two, 4, 500, 17, 3, 2);
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace qmf
