// Which kernels run: the instruction sets this CPU has (each one the tests run is named in the
// output), the lane-layout rule, and the amplitude-lane layout against sample lanes where the
// input registers straddle the lane bits.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using sim::LaneLayout;

TEST(KernelChoice, NamesEveryInstructionSetTheTestsRun) {
  std::string ran;
  for (qmf::Isa isa : isas()) ran += std::string(qmf::isa_name(isa)) + " ";
  std::cout << "simulator kernels run by these tests: " << ran
            << "(best: " << qmf::isa_name(qmf::best_isa()) << ")\n";
  RecordProperty("kernels", ran);
  EXPECT_EQ(isas().front(), qmf::Isa::Scalar);
  EXPECT_EQ(isas().back(), qmf::best_isa());
  for (qmf::Isa isa : {qmf::Isa::Avx2, qmf::Isa::Avx512})
    if (!qmf::cpu_runs(isa)) {
      QMF_EXPECT_ERROR(qmf::parse_isa(qmf::isa_name(isa)), "this CPU lacks it");
    }
}

TEST(KernelChoice, LanesHoldAmplitudesOnlyWhenTheBatchCannotFillThem) {
  EXPECT_EQ(sim::choose_layout(8, 3, 8, LaneLayout::Auto), LaneLayout::Amplitudes);
  EXPECT_EQ(sim::choose_layout(8, 8, 8, LaneLayout::Auto), LaneLayout::Samples);
  EXPECT_EQ(sim::choose_layout(20, 1, 16, LaneLayout::Auto), LaneLayout::Amplitudes);
  EXPECT_EQ(sim::choose_layout(2, 1, 8, LaneLayout::Auto), LaneLayout::Samples);  // 3 lane bits
  EXPECT_EQ(sim::choose_layout(3, 1, 8, LaneLayout::Auto), LaneLayout::Amplitudes);
  EXPECT_EQ(sim::choose_layout(8, 1, 1, LaneLayout::Amplitudes), LaneLayout::Samples);  // scalar
  EXPECT_EQ(sim::choose_layout(8, 64, 4, LaneLayout::Amplitudes), LaneLayout::Amplitudes);
  EXPECT_EQ(sim::choose_layout(8, 1, 4, LaneLayout::Samples), LaneLayout::Samples);
  QMF_EXPECT_ERROR(sim::parse_lane_layout("rows"), "unknown layout 'rows'");
}

// Registers of one and two qubits put the lane bits in several registers, so the product state
// and the register gradients gather lanes from several registers at once.
TEST(KernelChoice, AmplitudeLanesMatchSampleLanesAcrossStraddlingRegisters) {
  Rng rng(1601);
  for (const std::vector<int>& regs :
       {std::vector<int>{1, 1, 1, 3}, {2, 4}, {5, 1}, {1, 5}, {1, 2, 1, 2}}) {
    Problem p;
    p.circuit = random_circuit(rng, {.qubits = 6, .gates = 30, .sample = 3});
    fill_problem(rng, p, 3);
    p.registers = regs;
    p.amplitudes.clear();
    for (int k : regs) {
      std::vector<cplx> rows;
      for (size_t b = 0; b < p.batch; ++b) {
        const auto r = random_amplitudes(rng, size_t{1} << k);
        rows.insert(rows.end(), r.begin(), r.end());
      }
      p.amplitudes.push_back(rows);
    }
    for (qmf::Isa isa : isas()) {
      if (isa == qmf::Isa::Scalar) continue;
      const auto prog = compile(p.circuit);
      const auto want = run_problem<double>(p, prog, {1, isa, LaneLayout::Samples});
      const auto got = run_problem<double>(p, prog, {2, isa, LaneLayout::Amplitudes});
      const std::string what =
          std::string(qmf::isa_name(isa)) + " registers " + std::to_string(regs.size());
      EXPECT_LE(max_abs_diff(got.state, want.state), 1e-13) << what;
      EXPECT_LE(max_abs_diff(got.probs, want.probs), 1e-13) << what;
      EXPECT_LE(compare(got.grads.theta, want.grads.theta).norm_rel, 1e-12) << what;
      EXPECT_LE(max_abs_diff(got.grads.sample, want.grads.sample), 1e-12) << what;
      EXPECT_LE(max_abs_diff(flatten(got.grads.registers), flatten(want.grads.registers)), 1e-12)
          << what;
      const auto f = run_problem<float>(p, prog, {1, isa, LaneLayout::Amplitudes});
      EXPECT_LE(max_abs_diff(f.probs, want.probs), 1e-5) << what << " float";
      EXPECT_LE(max_abs_diff(flatten(f.grads.registers), flatten(want.grads.registers)), 1e-4)
          << what << " float";
    }
  }
}

}  // namespace
}  // namespace qmf
