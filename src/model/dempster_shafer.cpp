#include "model/dempster_shafer.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/error.h"

namespace qmf::model::ds {
namespace {

void check_mass(const Mass& m) {
  classes_of(m);
  double sum = 0;
  for (double v : m) {
    QMF_CHECK(v >= 0, "a mass function has no negative values, got {}", v);
    sum += v;
  }
  QMF_CHECK(std::abs(sum - 1) <= 1e-9, "a mass function sums to 1, this one to {}", sum);
}

// The two-source rule; several sources fold it (the combination is associative).
Mass combine(const Mass& a, const Mass& b) {
  Mass out(a.size(), 0.0);
  for (size_t f = 0; f < a.size(); ++f)
    for (size_t g = 0; g < b.size(); ++g) out[f & g] += a[f] * b[g];
  return out;
}

// Exact zeros stay exact through the products, so "no mass on a non-empty set" is a test for
// equality with zero, immune to 1 - m(empty) rounding to a tiny positive number.
void check_not_total_conflict(const Mass& m) {
  if (std::all_of(m.begin() + 1, m.end(), [](double v) { return v == 0.0; }))
    throw Error(
        "Dempster's rule: total conflict (m(empty set) = 1), the sources exclude each "
        "other and cannot be combined");
}

}  // namespace

int classes_of(const Mass& m) {
  QMF_CHECK(m.size() >= 2 && std::has_single_bit(m.size()),
            "a mass function on C classes has 2^C values (C >= 1), got {}", m.size());
  return std::countr_zero(m.size());
}

Mass conjunctive(std::span<const Mass> masses) {
  QMF_CHECK(!masses.empty(), "conjunctive combination of no mass functions");
  for (const Mass& m : masses) {
    check_mass(m);
    QMF_CHECK(m.size() == masses.front().size(),
              "mass functions on different frames: {} and {} values", masses.front().size(),
              m.size());
  }
  Mass out = masses.front();
  for (size_t i = 1; i < masses.size(); ++i) out = combine(out, masses[i]);
  return out;
}

Mass dempster(const Mass& m) {
  check_mass(m);
  check_not_total_conflict(m);
  const double keep = 1.0 - m[0];
  Mass out(m.size(), 0.0);
  for (size_t h = 1; h < m.size(); ++h) out[h] = m[h] / keep;
  return out;
}

std::vector<double> pignistic(const Mass& m) {
  const Mass normalised = dempster(m);
  const int classes = classes_of(m);
  std::vector<double> betp(static_cast<size_t>(classes), 0.0);
  for (size_t h = 1; h < normalised.size(); ++h) {
    const double share = normalised[h] / std::popcount(h);
    for (int c = 0; c < classes; ++c)
      if (h >> c & 1) betp[static_cast<size_t>(c)] += share;
  }
  return betp;
}

}  // namespace qmf::model::ds
