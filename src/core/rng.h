#pragma once
// The project's one source of randomness. Draws are defined bit for bit here (not by a
// standard-library distribution, whose algorithm varies between implementations), so a
// seed gives the same numbers on every machine.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace qmf {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t next_u64() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), without modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = 0;
    do x = engine_();
    while (x >= limit);
    return x % n;
  }
  // Standard normal by Box-Muller (one value per call; the partner is discarded for simplicity).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  // Fisher-Yates shuffle driven by below().
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace qmf

namespace qmf {

// A stream that is cheap to start: splitmix64, one 64-bit word of state. For the many short
// streams drawn per sample (shot sampling), where seeding Rng's Mersenne twister for each
// sample costs more than the draws themselves. Draws are defined here bit for bit, as Rng's are.
class StreamRng {
 public:
  explicit StreamRng(uint64_t seed) : state_(seed) {}

  uint64_t next_u64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// A seed for stream `stream` derived from `seed` (splitmix64 finaliser): per-epoch shuffles and
// other independent streams that must not depend on how many draws came before.
constexpr uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace qmf
