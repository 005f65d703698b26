#include "explain/ablation.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace qmf::explain {
namespace {

size_t width(const std::vector<int>& k, size_t m) { return size_t{1} << k[m]; }

}  // namespace

size_t register_rows(const Registers& registers, const std::vector<int>& k) {
  QMF_CHECK(!registers.empty() && registers.size() == k.size(), "{} registers for {} sizes",
            registers.size(), k.size());
  return registers[0].size() / width(k, 0);
}

Registers with_uniform_register(const Registers& registers, const std::vector<int>& k, size_t m) {
  Registers out = registers;
  const double amplitude = std::pow(2.0, -0.5 * k[m]);
  for (auto& a : out[m]) a = amplitude;
  return out;
}

Registers with_basis_registers(const Registers& registers, const std::vector<int>& k, size_t m,
                               size_t first, size_t count) {
  const size_t group = width(k, m);
  QMF_CHECK(first + count <= register_rows(registers, k) * group, "rows [{}, {}) of {}", first,
            first + count, register_rows(registers, k) * group);
  Registers out(registers.size());
  for (size_t r = 0; r < registers.size(); ++r) {
    const size_t w = width(k, r);
    out[r].assign(count * w, 0.0);
    for (size_t row = 0; row < count; ++row) {
      const size_t b = (first + row) / group, j = (first + row) % group;
      auto* dst = out[r].data() + row * w;
      if (r == m) {
        dst[j] = 1.0;
      } else {
        const auto* src = registers[r].data() + b * w;
        std::copy(src, src + w, dst);
      }
    }
  }
  return out;
}

Registers register_slice(const Registers& registers, const std::vector<int>& k, size_t first,
                         size_t count) {
  QMF_CHECK(first + count <= register_rows(registers, k), "rows [{}, {}) of {}", first,
            first + count, register_rows(registers, k));
  Registers out(registers.size());
  for (size_t r = 0; r < registers.size(); ++r) {
    const size_t w = width(k, r);
    out[r].assign(registers[r].begin() + static_cast<std::ptrdiff_t>(first * w),
                  registers[r].begin() + static_cast<std::ptrdiff_t>((first + count) * w));
  }
  return out;
}

}  // namespace qmf::explain
