// Fusion changes neither states nor gradients: Program(c, 2) against Program(c, 1) and
// Program(c, 0) on random circuits of 2..10 qubits; the block structure is valid (every gate
// once, per-qubit order kept, widths bounded); and fusion really shrinks the QMFNN circuit.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "model/qmf_circuit.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;

// Structural checks of a compiled program.
void check_blocks(const sim::Program& prog, int max_fused) {
  const sim::Circuit& c = prog.circuit();
  std::vector<int> seen(c.gates().size(), 0);
  std::vector<std::vector<uint32_t>> per_qubit(static_cast<size_t>(c.qubits()));
  for (const sim::Block& b : prog.blocks()) {
    ASSERT_FALSE(b.gates.empty());
    ASSERT_GE(b.width(), 1);
    ASSERT_LE(b.width(), 3);
    if (b.gates.size() > 1) {
      EXPECT_LE(b.width(), std::max(max_fused, 1));
      EXPECT_FALSE(b.per_sample) << "a per-sample gate stays alone in its block";
    }
    if (b.width() == 3) {
      EXPECT_EQ(b.gates.size(), 1u) << "a three-qubit gate stays alone in its block";
    }
    if (max_fused == 0) {
      EXPECT_EQ(b.gates.size(), 1u);
    }
    bool per_sample = false, real = true;
    for (uint32_t id : b.gates) {
      ASSERT_LT(id, c.gates().size());
      ++seen[id];
      const sim::Gate& g = c.gates()[id];
      per_sample = per_sample || g.per_sample();
      if (g.kind == GateKind::Unitary1 || g.kind == GateKind::Unitary2)
        real = real && c.fixed_matrices()[g.fixed].imag().isZero(0.0);
      else
        real = real && sim::info(g.kind).real;
      for (int j = 0; j < sim::info(g.kind).qubits; ++j) {
        const int q = g.qubits[static_cast<size_t>(j)];
        EXPECT_NE(std::find(b.qubits.begin(), b.qubits.end(), q), b.qubits.end())
            << "gate " << id << " qubit " << q << " outside its block";
        per_qubit[static_cast<size_t>(q)].push_back(id);
      }
    }
    EXPECT_EQ(b.per_sample, per_sample);
    EXPECT_EQ(b.real, real);
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "gate " << i;
  // On every qubit, gates run in circuit order.
  for (size_t q = 0; q < per_qubit.size(); ++q)
    EXPECT_TRUE(std::is_sorted(per_qubit[q].begin(), per_qubit[q].end())) << "qubit " << q;
}

TEST(SimFusion, BlocksAreAValidScheduleOfTheCircuit) {
  Rng rng(301);
  for (int n = 1; n <= 10; ++n)
    for (int trial = 0; trial < 3; ++trial) {
      CircuitSpec spec{
          .qubits = n, .gates = 8 * n, .shared = 10, .sample = 2, .sample_fraction = 0.15};
      const sim::Circuit c = random_circuit(rng, spec);
      for (int fuse : {0, 1, 2}) {
        SCOPED_TRACE("n=" + std::to_string(n) + " fuse=" + std::to_string(fuse));
        const sim::Program prog(c, fuse);
        check_blocks(prog, fuse);
        if (fuse == 0) {
          EXPECT_EQ(prog.blocks().size(), c.gates().size());
        }
      }
      EXPECT_LE(sim::Program(c, 2).blocks().size(), sim::Program(c, 0).blocks().size());
    }
}

// Block matrices equal the product of their gates, embedded by the Kronecker reference.
TEST(SimFusion, BlockMatricesAndDerivativesAreProductsOfTheirGates) {
  Rng rng(302);
  CircuitSpec spec{.qubits = 4, .gates = 40, .shared = 6, .sample = 2, .sample_fraction = 0.1};
  const sim::Circuit c = random_circuit(rng, spec);
  const sim::Program prog(c, 2);
  std::vector<double> theta(c.shared_params()), x(c.sample_params());
  for (auto& t : theta) t = random_angle(rng);
  for (auto& t : x) t = random_angle(rng);
  for (const sim::Block& b : prog.blocks()) {
    const int k = b.width();
    MatrixC want = MatrixC::Identity(1 << k, 1 << k);
    std::vector<MatrixC> gates;
    for (uint32_t id : b.gates) {
      const sim::Gate& g = c.gates()[id];
      std::vector<int> local;  // the gate's qubits as positions in the block's list
      for (int j = 0; j < sim::info(g.kind).qubits; ++j)
        local.push_back(static_cast<int>(
            std::find(b.qubits.begin(), b.qubits.end(), g.qubits[static_cast<size_t>(j)]) -
            b.qubits.begin()));
      gates.push_back(full_operator(k, c.matrix(g, theta.data(), x.data()), local));
      want = gates.back() * want;
    }
    EXPECT_LE((prog.block_matrix(b, theta.data(), x.data()) - want).cwiseAbs().maxCoeff(), 1e-14);
    // Derivatives: fourth-order differences in each angle slot of each gate of the block.
    const auto ds = prog.block_derivatives(b, theta.data(), x.data());
    size_t next = 0;
    for (size_t j = 0; j < b.gates.size(); ++j) {
      const sim::Gate& g = c.gates()[b.gates[j]];
      for (int p = 0; p < sim::info(g.kind).params; ++p) {
        const MatrixC single = prog.block_derivative(b, theta.data(), x.data(), j, p);
        ASSERT_LT(next, ds.size());
        EXPECT_LE((ds[next++] - single).cwiseAbs().maxCoeff(), 1e-14);
        // block_derivative against a difference of the gate's matrix inside the product.
        const auto at = [&](double s) {
          std::array<double, 3> a{};
          for (int r = 0; r < sim::info(g.kind).params; ++r) {
            const Angle an = g.angles[static_cast<size_t>(r)];
            a[static_cast<size_t>(r)] =
                an.source == Angle::Source::Shared ? theta[an.index] : x[an.index];
          }
          a[static_cast<size_t>(p)] += s;
          MatrixC u = MatrixC::Identity(1 << k, 1 << k);
          for (size_t i = 0; i < b.gates.size(); ++i) {
            if (i != j) {
              u = gates[i] * u;
              continue;
            }
            std::vector<int> local;
            for (int q = 0; q < sim::info(g.kind).qubits; ++q)
              local.push_back(static_cast<int>(
                  std::find(b.qubits.begin(), b.qubits.end(), g.qubits[static_cast<size_t>(q)]) -
                  b.qubits.begin()));
            u = full_operator(k, sim::gate_matrix(g.kind, a.data()), local) * u;
          }
          return u;
        };
        const double h = 1e-3;
        const MatrixC fd = (8.0 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
        EXPECT_LE((single - fd).cwiseAbs().maxCoeff(), 1e-11);
      }
    }
    EXPECT_EQ(next, ds.size());
  }
}

// Same states (1e-12) and same gradients for every fusion level, on random circuits of 2..10
// qubits with every gate kind, per-sample angles and several registers.
TEST(SimFusion, FusedAndUnfusedGiveTheSameStatesAndGradients) {
  Rng rng(303);
  for (int n = 2; n <= 10; ++n) {
    CircuitSpec spec{
        .qubits = n, .gates = 5 * n, .shared = static_cast<uint32_t>(2 * n), .sample = 2};
    const Problem p = random_problem(rng, spec, n <= 6 ? 5 : 3);
    const sim::SimOptions opt{1, qmf::best_isa()};
    const auto r0 = run_problem<double>(p, compile(p.circuit, 0), opt);
    // Unfused states against the reference too.
    const size_t amps = size_t{1} << n;
    for (size_t b = 0; b < p.batch; ++b) {
      const VectorC ref = reference_state(p, b);
      for (size_t a = 0; a < amps; ++a)
        ASSERT_LE(std::abs(r0.state[b * amps + a] - ref(static_cast<Eigen::Index>(a))), 1e-12)
            << "n=" << n;
    }
    for (int fuse : {1, 2}) {
      SCOPED_TRACE("n=" + std::to_string(n) + " fuse=" + std::to_string(fuse));
      const auto r = run_problem<double>(p, compile(p.circuit, fuse), opt);
      EXPECT_LE(max_abs_diff(r.state, r0.state), 1e-12);
      EXPECT_LE(max_abs_diff(r.probs, r0.probs), 1e-12);
      EXPECT_LE(compare(r.grads.theta, r0.grads.theta).norm_rel, 1e-11);
      EXPECT_LE(max_abs_diff(r.grads.theta, r0.grads.theta), 1e-11);
      EXPECT_LE(max_abs_diff(r.grads.sample, r0.grads.sample), 1e-11);
      EXPECT_LE(max_abs_diff(flatten(r.grads.registers), flatten(r0.grads.registers)), 1e-11);
    }
  }
}

// The QMFNN circuit for k = {4, 4}, 10 classes: fusion cuts the block count substantially, and
// the fused program's states match the dense reference and the unfused program.
TEST(SimFusion, QmfCircuitFusesAndStillMatchesTheReference) {
  const auto q = model::build_qmf_circuit({.k = {4, 4}}, 10);
  const sim::Circuit& c = q.circuit;
  ASSERT_EQ(c.qubits(), 8);
  const auto fused = compile(c, 2), unfused = compile(c, 0);
  check_blocks(*fused, 2);
  EXPECT_EQ(unfused->blocks().size(), c.gates().size());
  EXPECT_LT(fused->blocks().size(), c.gates().size() / 2)
      << fused->blocks().size() << " blocks for " << c.gates().size() << " gates";
  // Input: two 4-qubit registers (amplitude encoding), 6 samples.
  Rng rng(304);
  Problem p;
  p.circuit = c;
  fill_problem(rng, p, 6);
  p.registers = {4, 4};
  p.amplitudes.clear();
  for (int m = 0; m < 2; ++m) {
    std::vector<cplx> rows;
    for (size_t b = 0; b < p.batch; ++b) {
      std::vector<double> h(16);
      double norm = 0;
      for (auto& v : h) {
        v = rng.normal();
        norm += v * v;
      }
      for (double v : h) rows.emplace_back(v / std::sqrt(norm), 0.0);
    }
    p.amplitudes.push_back(rows);
  }
  p.readout = q.readout;
  p.dprobs.assign(p.batch << p.readout.size(), 0.0);
  for (auto& d : p.dprobs) d = rng.normal();
  // The Kronecker-product reference for sample 0 (slow at n = 8), the index one for all.
  std::vector<VectorC> refs;
  for (size_t b = 0; b < p.batch; ++b) refs.push_back(reference_state(p, b));
  const VectorC kron = run_dense(c, input_vector(p, 0), p.theta.data(), nullptr);
  EXPECT_LE((kron - refs[0]).cwiseAbs().maxCoeff(), 1e-12);
  for (qmf::Isa isa : isas()) {
    const auto rf = run_problem<double>(p, fused, {2, isa});
    const auto ru = run_problem<double>(p, unfused, {1, isa});
    const size_t amps = 256;
    for (size_t b = 0; b < p.batch; ++b) {
      const VectorC& ref = refs[b];
      for (size_t a = 0; a < amps; ++a)
        ASSERT_LE(std::abs(rf.state[b * amps + a] - ref(static_cast<Eigen::Index>(a))), 1e-12);
      const auto marg = reference_marginal(8, ref, p.readout);
      for (size_t o = 0; o < marg.size(); ++o)
        EXPECT_NEAR(rf.probs[b * marg.size() + o], marg[o], 1e-12);
    }
    EXPECT_LE(max_abs_diff(rf.state, ru.state), 1e-12);
    EXPECT_LE(max_abs_diff(rf.grads.theta, ru.grads.theta), 1e-11);
    EXPECT_LE(max_abs_diff(flatten(rf.grads.registers), flatten(ru.grads.registers)), 1e-11);
  }
}

}  // namespace
}  // namespace qmf
