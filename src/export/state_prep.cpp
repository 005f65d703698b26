#include "export/state_prep.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "sim/real_state_tree.h"

namespace qmf::exporter {
namespace {

void check_request(const NumericCircuit& c, int first_qubit, int k,
                   std::span<const double> amplitudes) {
  const int n = c.circuit.qubits();
  if (k < 1 || first_qubit < 0 || first_qubit > n - k)
    throw Error(fmt::format("state preparation: qubits {}..{} do not fit in the {}-qubit circuit",
                            first_qubit, first_qubit + k - 1, n));
  if (amplitudes.size() != size_t{1} << k)
    throw Error(fmt::format("state preparation: {} qubits need {} amplitudes, got {}", k,
                            size_t{1} << k, amplitudes.size()));
  double norm2 = 0;
  for (size_t i = 0; i < amplitudes.size(); ++i) {
    if (!std::isfinite(amplitudes[i]))
      throw Error(fmt::format("state preparation: amplitude {} is not finite", i));
    norm2 += amplitudes[i] * amplitudes[i];
  }
  if (!(std::abs(std::sqrt(norm2) - 1.0) <= 1e-9))
    throw Error(fmt::format("state preparation: amplitudes have norm {:.17g}, expected 1 (to 1e-9)",
                            std::sqrt(norm2)));
}

// In-place Walsh-Hadamard transform: v[q] <- sum_p (-1)^{popcount(p & q)} v[p].
void walsh_hadamard(std::vector<double>& v) {
  for (size_t h = 1; h < v.size(); h *= 2)
    for (size_t i = 0; i < v.size(); i += 2 * h)
      for (size_t j = i; j < i + h; ++j) {
        const double x = v[j], y = v[j + h];
        v[j] = x + y;
        v[j + h] = x - y;
      }
}

// RY(alpha[p]) on `target` when the m = log2|alpha| controls first..first+m-1 hold p (first is
// the most significant bit of p), as the sequence RY(beta_0) CNOT(c_0) ... RY(beta_{N-1})
// CNOT(c_{N-1}), N = 2^m, where c_i is the control whose bit changes between Gray codes g_i and
// g_{i+1 mod N}. For control state p, each CNOT is an X on the target or nothing. Moving the
// X's to the end with RY(t) X = X RY(-t) leaves RY(sum_i s_i beta_i), where s_i = -1 when an odd
// number of active CNOTs precede RY(beta_i): s_i = (-1)^{popcount(p & g_i)}. Around the whole
// cycle every bit flips an even number of times, so the X's cancel. Inverting the +-1 matrix
// (a permuted Walsh-Hadamard matrix, orthogonal up to N) gives
// beta_i = (1/N) sum_p (-1)^{popcount(p & g_i)} alpha[p].
void uniformly_controlled_ry(NumericCircuit& c, int first_control, int target,
                             std::vector<double> alpha) {
  const size_t count = alpha.size();
  const int m = std::countr_zero(count);
  walsh_hadamard(alpha);
  for (size_t i = 0; i < count; ++i) {
    const size_t gray = i ^ (i >> 1);
    add_numeric(c, sim::GateKind::RY, {target, 0, 0}, {alpha[gray] / static_cast<double>(count)});
    if (m == 0) continue;
    // g_i xor g_{i+1} is the lowest set bit of i+1; the wrap from g_{N-1} = 2^{m-1} to g_0 = 0
    // flips the top bit.
    const int bit = i + 1 == count ? m - 1 : std::countr_zero(i + 1);
    add_numeric(c, sim::GateKind::CNOT, {first_control + (m - 1 - bit), target, 0});
  }
}

}  // namespace

void append_state_prep(NumericCircuit& c, int first_qubit, int k,
                       std::span<const double> amplitudes) {
  check_request(c, first_qubit, k, amplitudes);
  const sim::TreeAngles angles = sim::tree_angles(amplitudes, k);
  for (int j = 0; j < k; ++j) uniformly_controlled_ry(c, first_qubit, first_qubit + j, angles[j]);
}

}  // namespace qmf::exporter
