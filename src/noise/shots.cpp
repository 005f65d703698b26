#include "noise/shots.h"

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"

namespace qmf::noise {
namespace {

// Below this mean (after the symmetry p <= 1/2) sequential search is cheaper than BTRD's set-up,
// and BTRD's hat is only designed for n p >= 10 (Hormann 1993).
constexpr double kInversionMean = 10;

// Inversion: walk the probabilities f(0), f(1), ... subtracting each from one uniform until it
// falls inside, with f(k) = f(k - 1) (n + 1 - k) p / (k q). About n p + 1 steps. Rounding can
// leave the uniform above the whole (computed) mass; that draw is repeated rather than forced
// onto k = n, which would put the rounding error on one value.
template <class G>
uint64_t binomial_inversion(G& rng, uint64_t n, double p) {
  const double q = 1 - p, r = p / q, nr = (static_cast<double>(n) + 1) * r;
  const double f0 = std::pow(q, static_cast<double>(n));
  for (;;) {
    double u = rng.uniform(), f = f0;
    uint64_t k = 0;
    while (u >= f && k <= n) {
      u -= f;
      ++k;
      f *= nr / static_cast<double>(k) - r;
    }
    if (k <= n) return k;
  }
}

// fc(k) = log k! - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2], the remainder of Stirling's
// series for log Gamma(k + 1). Exact values (computed with mpmath at 40 digits) below 10, the
// first three terms of the series 1/(12x) - 1/(360x^3) + 1/(1260x^5), x = k + 1, from there on
// (error under 3e-11 at k = 10, falling as x^-7).
double stirling_tail(int64_t k) {
  static constexpr double kExact[10] = {
      0.08106146679532726,  0.04134069595540929,  0.02767792568499834, 0.020790672103765093,
      0.016644691189821193, 0.013876128823070748, 0.01189670994589177, 0.010411265261972096,
      0.009255462182712733, 0.00833056343336287};
  if (k < 10) return kExact[k];
  const double x = 1.0 / static_cast<double>(k + 1), x2 = x * x;
  return (1.0 / 12 - (1.0 / 360 - x2 / 1260) * x2) * x;
}

// BTRD: W. Hormann, "The generation of binomial random variates", J. Statist. Comput. Simul. 46
// (1993) 101-110, for p <= 1/2 and n p >= 10. Transformed rejection: a uniform u is mapped
// through the inverse of a hat shaped like the binomial's histogram, k = floor((2a/us + b) u + c)
// with us = 1/2 - |u|, and accepted with probability f(k) / hat. A central strip of the hat lies
// wholly under the histogram (step 1), so most draws take one uniform and no logarithm; the rest
// compare exactly: near the mode m by the ratio recursion of f, far from it first against bounds
// on log(f(k)/f(m)) and only then through Stirling's series.
template <class G>
uint64_t binomial_btrd(G& rng, uint64_t n, double p) {
  const double nd = static_cast<double>(n);
  const double q = 1 - p, r = p / q, nr = (nd + 1) * r, npq = nd * p * q;
  const double spq = std::sqrt(npq);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * spq;  // the hat's scale against f(m)
  const double vr = 0.92 - 4.2 / b;             // share of the hat in the central strip
  const double urvr = 0.86 * vr;                // ... of which this part is always accepted
  const auto m = static_cast<int64_t>(std::floor((nd + 1) * p));  // the mode

  for (;;) {
    // Step 1: the region that is accepted at once. There us >= 0.07, and k stays within
    // [0, n] whenever n p >= 10 (|k - c| <= 1.86 sqrt(npq)); the check costs nothing.
    double v = rng.uniform();
    double u = 0;
    if (v <= urvr) {
      u = v / vr - 0.43;
      const double k = std::floor((2 * a / (0.5 - std::abs(u)) + b) * u + c);
      if (k >= 0 && k <= nd) return static_cast<uint64_t>(k);
      continue;
    }
    // Step 2: a point under the rest of the hat: u anywhere (v above the strip), or u in the
    // strip's two ends with v redrawn below it.
    if (v >= vr) {
      u = rng.uniform() - 0.5;
    } else {
      u = v / vr - 0.93;
      u = (u < 0 ? -0.5 : 0.5) - u;
      v = rng.uniform() * vr;
    }
    // Step 3.0: the candidate and its height under the hat, in units of f(m). The negated
    // test also rejects us = 0 (infinite or NaN k).
    const double us = 0.5 - std::abs(u);
    const double kd = std::floor((2 * a / us + b) * u + c);
    if (!(kd >= 0 && kd <= nd)) continue;
    const auto k = static_cast<int64_t>(kd);
    v *= alpha / (a / (us * us) + b);
    const int64_t km = k > m ? k - m : m - k;
    // Step 3.1: near the mode, f(k)/f(m) as a product of ratios f(i)/f(i-1) = nr/i - r.
    if (km <= 15) {
      double f = 1;
      if (m < k) {
        for (int64_t i = m + 1; i <= k; ++i) f *= nr / static_cast<double>(i) - r;
      } else {
        for (int64_t i = k + 1; i <= m; ++i) v *= nr / static_cast<double>(i) - r;
      }
      if (v <= f) return static_cast<uint64_t>(k);
      continue;
    }
    // Step 3.2: log(f(k)/f(m)) lies within rho of the normal-like -km^2 / (2 npq).
    v = std::log(v);
    const double kmd = static_cast<double>(km);
    const double rho = (kmd / npq) * (((kmd / 3 + 0.625) * kmd + 1.0 / 6) / npq + 0.5);
    const double t = -kmd * kmd / (2 * npq);
    if (v < t - rho) return static_cast<uint64_t>(k);
    if (v > t + rho) continue;
    // Steps 3.3 and 3.4: the exact log(f(k)/f(m)) by Stirling's formula with remainders.
    const double md = static_cast<double>(m), nm = nd - md + 1;
    const double h = (md + 0.5) * std::log((md + 1) / (r * nm)) + stirling_tail(m) +
                     stirling_tail(static_cast<int64_t>(n) - m);
    const double nk = nd - kd + 1;
    const double log_ratio = h + (nd + 1) * std::log(nm / nk) +
                             (kd + 0.5) * std::log(nk * r / (kd + 1)) - stirling_tail(k) -
                             stirling_tail(static_cast<int64_t>(n) - k);
    if (v <= log_ratio) return static_cast<uint64_t>(k);
  }
}

// Entries in [-kNegativeSlack, 0) are rounding of a zero probability; row sums within kSumSlack
// of 1 are rounding of a normalised row.
constexpr double kNegativeSlack = 1e-12, kSumSlack = 1e-6;

void check_row(std::span<const double> row, uint64_t row_index) {
  double sum = 0;
  for (size_t c = 0; c < row.size(); ++c) {
    if (!std::isfinite(row[c]) || row[c] < -kNegativeSlack)
      throw Error(fmt::format(
          "shot sampling: row {} of the marginal has probability {} at outcome {} (each must "
          "be finite and non-negative)",
          row_index, row[c], c));
    sum += row[c] > 0 ? row[c] : 0.0;
  }
  if (!(std::abs(sum - 1) <= kSumSlack))
    throw Error(
        fmt::format("shot sampling: row {} of the marginal sums to {}, not 1 (within {}): not a "
                    "probability distribution",
                    row_index, sum, kSumSlack));
}

template <class G>
uint64_t draw_binomial(G& rng, uint64_t n, double p) {
  QMF_CHECK(p >= 0 && p <= 1, "binomial: p = {} is not a probability", p);
  QMF_CHECK(n <= (uint64_t{1} << 53), "binomial: n = {} is not exact in a double", n);
  if (n == 0 || p == 0) return 0;
  if (p == 1) return n;
  // Both algorithms want p <= 1/2; 1 - p is exact for p in [1/2, 1].
  const bool flip = p > 0.5;
  const double pp = flip ? 1 - p : p;
  const uint64_t k = static_cast<double>(n) * pp < kInversionMean ? binomial_inversion(rng, n, pp)
                                                                  : binomial_btrd(rng, n, pp);
  return flip ? n - k : k;
}

// The multinomial as conditional binomials: count_c ~ Binomial(shots left, p_c / mass left).
// The mass left is the sum of the row's remaining entries (`tail`), not 1 minus what was used,
// so the ratio never exceeds 1, the last nonzero outcome takes exactly the shots left, and the
// row is renormalised in passing.
void sample_row(std::span<double> row, std::span<double> tail, uint64_t shots, StreamRng& rng) {
  double mass = 0;
  for (size_t c = row.size(); c-- > 0;) {
    if (row[c] < 0) row[c] = 0;  // within the slack check_row allowed
    tail[c] = mass += row[c];
  }
  uint64_t left = shots;
  for (size_t c = 0; c < row.size(); ++c) {
    if (left == 0 || row[c] == 0) {
      row[c] = 0;
      continue;
    }
    const uint64_t k = draw_binomial(rng, left, row[c] / tail[c]);
    left -= k;
    row[c] = static_cast<double>(k) / static_cast<double>(shots);  // correctly rounded
  }
}

}  // namespace

uint64_t binomial(Rng& rng, uint64_t n, double p) { return draw_binomial(rng, n, p); }
uint64_t binomial(StreamRng& rng, uint64_t n, double p) { return draw_binomial(rng, n, p); }

void sample_shots(std::span<double> marginal, size_t outcomes, uint64_t shots, uint64_t seed,
                  uint64_t first_row, int threads) {
  QMF_CHECK(outcomes > 0 && marginal.size() % outcomes == 0,
            "sample_shots: {} values are not rows of {} outcomes", marginal.size(), outcomes);
  if (shots == 0 || shots > (uint64_t{1} << 53))
    throw Error(fmt::format("shot sampling: {} shots (must be from 1 to 2^53)", shots));
  const size_t rows = marginal.size() / outcomes;
  // Every row is checked before any is replaced, so an error leaves the batch as it was.
  for (size_t b = 0; b < rows; ++b)
    check_row(marginal.subspan(b * outcomes, outcomes), first_row + b);
  // Rows draw from streams of their own, so the threads may share them out in any order.
  const ParallelFor share(threads);
  share(rows, [&](size_t b) {
    std::vector<double> tail(outcomes);
    StreamRng rng(mix_seed(seed, first_row + b));
    sample_row(marginal.subspan(b * outcomes, outcomes), tail, shots, rng);
  });
}

}  // namespace qmf::noise
