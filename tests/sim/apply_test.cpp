// Every gate kind through the simulator against the dense references, on every qubit placement
// and every control/target order for n = 1..6, and on a few placements at n = 10; both ISAs,
// batch sizes 1, 3, 4, 9 (padding lanes), one and two threads, float and double. The input is
// one register of n qubits, so the states are generic (not products).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

constexpr size_t kMaxBatch = 9;

// States reused across circuits of the same size (one per configuration): allocation checks
// /proc/meminfo, which would dominate these tiny runs.
template <typename T>
struct StateCache {
  int n = 0;
  std::map<std::tuple<int, size_t, int>, sim::BatchState<T>> states;  // by (isa, batch, layout)
  sim::BatchState<T>& get(const sim::Simulator<T>& s, const Config& cfg) {
    if (n != s.program().qubits()) {
      n = s.program().qubits();
      states.clear();
    }
    const size_t batch = cfg.batch;
    const std::tuple<int, size_t, int> key{static_cast<int>(s.isa()), batch,
                                           static_cast<int>(cfg.layout)};
    auto it = states.find(key);
    if (it == states.end()) it = states.emplace(key, s.make_state(batch)).first;
    return it->second;
  }
};

// One gate on `qubits`, with its angles shared (theta) or per sample; runs every configuration
// and compares with the reference (Kronecker products or index arithmetic).
template <typename T>
void check_gate(Rng& rng, StateCache<T>& cache, int n, GateKind kind,
                const std::vector<int>& qubits, bool per_sample, bool kronecker,
                const std::vector<Config>& configs) {
  sim::Circuit c(n);
  std::array<Angle, 3> angles{};
  for (int p = 0; p < sim::info(kind).params; ++p)
    angles[static_cast<size_t>(p)] = per_sample ? Angle::sample(static_cast<uint32_t>(p))
                                                : Angle::shared(static_cast<uint32_t>(p));
  add_gate(c, kind, qubits, angles, rng);
  const auto prog = compile(c);

  std::vector<double> theta(c.shared_params()), sample(kMaxBatch * c.sample_params());
  for (auto& t : theta) t = random_angle(rng);
  for (auto& t : sample) t = random_angle(rng);
  const size_t amps = size_t{1} << n;
  std::vector<cplx> input;
  for (size_t b = 0; b < kMaxBatch; ++b) {
    const auto r = random_amplitudes(rng, amps);
    input.insert(input.end(), r.begin(), r.end());
  }
  // Reference: the Kronecker-product operator for small n, index arithmetic otherwise.
  std::vector<VectorC> ref;
  const sim::Gate& g = c.gates()[0];
  for (size_t b = 0; b < kMaxBatch; ++b) {
    VectorC psi(static_cast<Eigen::Index>(amps));
    for (size_t a = 0; a < amps; ++a) psi(static_cast<Eigen::Index>(a)) = input[b * amps + a];
    const MatrixC m = c.matrix(g, theta.data(), sample.data() + b * c.sample_params());
    ref.push_back(kronecker ? VectorC(full_operator(n, m, qubits) * psi)
                            : apply_reference(n, m, qubits, psi));
  }

  std::string where = kind_name(kind) + " on (";
  for (int q : qubits) where += std::to_string(q) + " ";
  where += ") n=" + std::to_string(n) + (per_sample ? " per-sample" : " shared");

  for (const Config& cfg : configs) {
    sim::Simulator<T> s(prog, cfg.options());
    auto& st = cache.get(s, cfg);
    const sim::ProductInput in{{n}, {std::span<const cplx>(input.data(), cfg.batch * amps)}};
    s.forward(in, theta, std::span<const double>(sample.data(), cfg.batch * c.sample_params()), st);
    double err = 0;
    for (size_t b = 0; b < cfg.batch; ++b)
      for (size_t a = 0; a < amps; ++a)
        err = std::max(err, std::abs(st.amplitude(b, a) - ref[b](static_cast<Eigen::Index>(a))));
    EXPECT_LE(err, kStateTol<T>) << where << ", " << cfg.str();
    // Padding lanes of the last chunk hold zero states and stay zero (amplitude lanes have none).
    const size_t lanes = static_cast<size_t>(st.lanes()), last = st.chunks() - 1;
    const size_t first_padding = st.lane_bits() ? lanes : cfg.batch - last * lanes;
    for (size_t l = first_padding; l < lanes; ++l)
      for (size_t a = 0; a < amps; ++a) {
        const auto v = st.chunk(last);
        ASSERT_EQ(v.re(a)[l], T(0)) << where << ", " << cfg.str() << " padding lane " << l;
        ASSERT_EQ(v.im(a)[l], T(0)) << where << ", " << cfg.str() << " padding lane " << l;
      }
  }
}

template <typename T>
class SimApply : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SimApply, Precisions);

// Both ISAs and every batch size with one thread; with `threaded`, also two threads with
// batch 9 (several chunks in either precision). A two-thread run of a one-gate circuit costs an
// OpenMP team wake-up, which dominates on a loaded machine; thread-count invariance is checked
// bit for bit in parallel_test.cpp, so the enumeration adds two threads to every fifth placement
// of each kind (the first included) rather than to all of them.
std::vector<Config> placement_configs(bool threaded) {
  std::vector<Config> v;
  for (const Config& c : all_configs())
    if (c.threads == 1 || (threaded && c.batch == 9)) v.push_back(c);
  return v;
}

// n = 1..6, every kind that fits, every ordered placement, shared and per-sample angles.
TYPED_TEST(SimApply, EveryGateEveryPlacementUpToSixQubits) {
  Rng rng(101);
  StateCache<TypeParam> cache;
  const auto serial = placement_configs(false), threaded = placement_configs(true);
  for (int n = 1; n <= 6; ++n)
    for (GateKind kind : all_kinds()) {
      const int k = sim::info(kind).qubits;
      if (k > n) continue;
      const auto placements = all_placements(n, k);
      for (size_t i = 0; i < placements.size(); ++i) {
        const auto& q = placements[i];
        const auto& configs = i % 5 == 0 ? threaded : serial;
        check_gate<TypeParam>(rng, cache, n, kind, q, false, true, configs);
        if (sim::info(kind).params > 0)
          check_gate<TypeParam>(rng, cache, n, kind, q, true, true, configs);
      }
    }
}

// n = 10: each kind on the first qubits, the last qubits (reversed order), a spread, and random.
TYPED_TEST(SimApply, EveryGateSomePlacementsAtTenQubits) {
  Rng rng(102);
  StateCache<TypeParam> cache;
  const auto configs = placement_configs(true);
  const int n = 10;
  for (GateKind kind : all_kinds()) {
    const int k = sim::info(kind).qubits;
    std::vector<std::vector<int>> placements{{0, 1, 2}, {9, 8, 7}, {4, 9, 0}, {}};
    placements.back() = random_qubits(rng, n, 3);
    for (auto q : placements) {
      q.resize(static_cast<size_t>(k));
      check_gate<TypeParam>(rng, cache, n, kind, q, false, false, configs);
      if (sim::info(kind).params > 0)
        check_gate<TypeParam>(rng, cache, n, kind, q, true, false, configs);
    }
  }
}

// Whole random circuits (every kind, fusion on) against the index reference, every config.
TYPED_TEST(SimApply, RandomCircuitsMatchTheReference) {
  using T = TypeParam;
  Rng rng(103);
  for (int n : {1, 2, 3, 5, 7, 10}) {
    CircuitSpec spec{.qubits = n, .gates = 3 * n + 6, .shared = 6, .sample = 2};
    Problem p = random_problem(rng, spec, kMaxBatch);
    std::vector<VectorC> ref;
    for (size_t b = 0; b < p.batch; ++b) ref.push_back(reference_state(p, b));
    const size_t amps = size_t{1} << n;
    for (const Config& cfg : all_configs()) {
      Problem q = p;  // the first cfg.batch samples
      q.batch = cfg.batch;
      for (size_t m = 0; m < q.registers.size(); ++m)
        q.amplitudes[m].resize(cfg.batch << q.registers[m]);
      q.sample.resize(cfg.batch * q.sp());
      q.dprobs.resize(cfg.batch * q.outcomes());
      const auto r = run_problem<T>(q, compile(q.circuit), cfg.options(), false);
      double err = 0;
      for (size_t b = 0; b < cfg.batch; ++b)
        for (size_t a = 0; a < amps; ++a)
          err =
              std::max(err, std::abs(r.state[b * amps + a] - ref[b](static_cast<Eigen::Index>(a))));
      EXPECT_LE(err, 4 * kStateTol<T>) << "n=" << n << ", " << cfg.str();
    }
  }
}

// The two references agree with each other (the index one is used where Kronecker is too slow).
TEST(SimReference, IndexReferenceMatchesKroneckerReference) {
  Rng rng(104);
  for (int n = 1; n <= 5; ++n)
    for (int k = 1; k <= std::min(n, 3); ++k)
      for (const auto& q : all_placements(n, k)) {
        const MatrixC g = random_unitary(rng, 1 << k);
        const auto amps = random_amplitudes(rng, size_t{1} << n);
        const VectorC psi =
            Eigen::Map<const VectorC>(amps.data(), static_cast<Eigen::Index>(amps.size()));
        const VectorC a = full_operator(n, g, q) * psi, b = apply_reference(n, g, q, psi);
        EXPECT_LE((a - b).cwiseAbs().maxCoeff(), 1e-14) << "n=" << n << " k=" << k;
      }
}

}  // namespace
}  // namespace qmf
