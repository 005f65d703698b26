// The QMFNN circuit's structure, pinned against the model's definition: the fusion block's
// entangler pairs (every register pair (m, m+1 mod M) in order, positions ascending), the conv
// layer's brickwork pairs with the wrap-around pair last, the pool direction (odd position into
// the even one before it) and the conv / pool schedule, for n = 8, 10, 12 qubits split over
// M = 2, 3 and 4 modalities. Every expected value below follows from that definition by hand.
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "model/qmf_circuit.h"

namespace qmf::model {
namespace {

using Pairs = std::vector<std::pair<int, int>>;
using sim::GateKind;

QmfCircuit circuit_for(std::vector<int> k, int classes = 10, int fusion_layers = 1) {
  QmfnnSettings s;
  s.k = std::move(k);
  s.fusion_layers = fusion_layers;
  return build_qmf_circuit(s, classes);
}

// (first, last) qubit of every `kind` gate among gates [from, to).
Pairs pairs_of(const QmfCircuit& c, GateKind kind, size_t from, size_t to) {
  Pairs out;
  const auto& gates = c.circuit.gates();
  for (size_t i = from; i < to && i < gates.size(); ++i)
    if (gates[i].kind == kind) out.emplace_back(gates[i].qubits[0], gates[i].qubits[1]);
  return out;
}

Pairs fusion_pairs(const QmfCircuit& c) {
  return pairs_of(c, GateKind::CRX, c.encoding_gates, c.fusion_end);
}

// The gates after the fusion block, split into layers at each pool's first CRZ.
struct QcnnLayers {
  Pairs first_conv, first_pool, second_conv;
};
QcnnLayers qcnn_layers(const QmfCircuit& c) {
  const auto& gates = c.circuit.gates();
  size_t pool = c.fusion_end;
  while (pool < gates.size() && gates[pool].kind != GateKind::CRZ) ++pool;
  size_t after_pool = pool;
  while (after_pool < gates.size() && gates[after_pool].kind != GateKind::RY) ++after_pool;
  QcnnLayers l;
  // conv6 has CNOT(a->b) then CNOT(b->a) for each pair: every other CNOT names the pair.
  const Pairs conv = pairs_of(c, GateKind::CNOT, c.fusion_end, pool);
  for (size_t i = 0; i < conv.size(); i += 2) l.first_conv.push_back(conv[i]);
  l.first_pool = pairs_of(c, GateKind::CRZ, pool, after_pool);
  const Pairs second = pairs_of(c, GateKind::CNOT, after_pool, gates.size());
  for (size_t i = 0; i < second.size(); i += 2) {
    if (gates.size() > 0 && !l.second_conv.empty() && second[i] == l.second_conv.front()) break;
    l.second_conv.push_back(second[i]);
  }
  return l;
}

TEST(QmfCircuitGolden, FusionEntanglesEachRegisterWithTheNextInARing) {
  // M = 2: (R1 -> R2) then (R2 -> R1).
  EXPECT_EQ(fusion_pairs(circuit_for({4, 4})),
            (Pairs{{0, 4}, {1, 5}, {2, 6}, {3, 7}, {4, 0}, {5, 1}, {6, 2}, {7, 3}}));
  // M = 3 with unequal registers (starts 0, 4, 7): min(k_m, k_m+1) = 3 positions each.
  EXPECT_EQ(fusion_pairs(circuit_for({4, 3, 3})),
            (Pairs{{0, 4}, {1, 5}, {2, 6}, {4, 7}, {5, 8}, {6, 9}, {7, 0}, {8, 1}, {9, 2}}));
  // M = 4, n = 8.
  EXPECT_EQ(fusion_pairs(circuit_for({2, 2, 2, 2})),
            (Pairs{{0, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 7}, {6, 0}, {7, 1}}));
  // M = 4, n = 12.
  EXPECT_EQ(fusion_pairs(circuit_for({3, 3, 3, 3})), (Pairs{{0, 3},
                                                            {1, 4},
                                                            {2, 5},
                                                            {3, 6},
                                                            {4, 7},
                                                            {5, 8},
                                                            {6, 9},
                                                            {7, 10},
                                                            {8, 11},
                                                            {9, 0},
                                                            {10, 1},
                                                            {11, 2}}));
}

TEST(QmfCircuitGolden, EachFusionLayerRepeatsTheSamePairs) {
  const Pairs one = fusion_pairs(circuit_for({3, 3, 3}, 10, 1));
  Pairs two = one;
  two.insert(two.end(), one.begin(), one.end());
  EXPECT_EQ(fusion_pairs(circuit_for({3, 3, 3}, 10, 2)), two);
}

TEST(QmfCircuitGolden, ConvIsBrickworkWithTheWrapAroundPairLastAndPoolsOddIntoEven) {
  const QcnnLayers n8 = qcnn_layers(circuit_for({4, 4}));
  EXPECT_EQ(n8.first_conv, (Pairs{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {1, 2}, {3, 4}, {5, 6}, {7, 0}}));
  EXPECT_EQ(n8.first_pool, (Pairs{{1, 0}, {3, 2}, {5, 4}, {7, 6}}));
  // The sinks stay active: positions 0..3 of [0, 2, 4, 6].
  EXPECT_EQ(n8.second_conv, (Pairs{{0, 2}, {4, 6}, {2, 4}, {6, 0}}));

  const QcnnLayers n10 = qcnn_layers(circuit_for({5, 5}));
  EXPECT_EQ(
      n10.first_conv,
      (Pairs{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}, {1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 0}}));
  EXPECT_EQ(n10.first_pool, (Pairs{{1, 0}, {3, 2}, {5, 4}, {7, 6}, {9, 8}}));
  EXPECT_EQ(n10.second_conv, (Pairs{{0, 2}, {4, 6}, {2, 4}, {6, 8}, {8, 0}}));
}

TEST(QmfCircuitGolden, TwoActiveQubitsHaveNoWrapAroundPair) {
  // n = 4, C = 4 (r = 2): conv(4) pool(4->2) conv(2), whose one pair is (0, 2).
  const QcnnLayers n4 = qcnn_layers(circuit_for({2, 2}, 4));
  EXPECT_EQ(n4.first_conv, (Pairs{{0, 1}, {2, 3}, {1, 2}, {3, 0}}));
  EXPECT_EQ(n4.second_conv, (Pairs{{0, 2}}));
}

struct ScheduleCase {
  std::vector<int> k;
  int classes;
  std::vector<std::string> schedule;
  std::vector<int> readout;
};

TEST(QmfCircuitGolden, ScheduleAndReadoutForEightTenAndTwelveQubits) {
  const std::vector<std::string> s8{"conv(8)", "pool(8->4)", "conv(4)"};
  const std::vector<std::string> s10{"conv(10)", "pool(10->5)", "conv(5)"};
  const std::vector<std::string> s12{"conv(12)", "pool(12->6)", "conv(6)"};
  const std::vector<int> r4{0, 2, 4, 6};
  const std::vector<ScheduleCase> cases{
      {{4, 4}, 10, s8, r4},
      {{3, 3, 2}, 10, s8, r4},
      {{2, 2, 2, 2}, 10, s8, r4},
      {{5, 5}, 10, s10, r4},
      {{4, 3, 3}, 10, s10, r4},
      {{3, 3, 2, 2}, 10, s10, r4},
      {{6, 6}, 10, s12, r4},
      {{4, 4, 4}, 10, s12, r4},
      {{3, 3, 3, 3}, 10, s12, r4},
      // Two classes (r = 1): pool down to a single qubit.
      {{4, 4},
       2,
       {"conv(8)", "pool(8->4)", "conv(4)", "pool(4->2)", "conv(2)", "pool(2->1)", "conv(1)"},
       {0}},
      {{5, 5},
       2,
       {"conv(10)", "pool(10->5)", "conv(5)", "pool(5->3)", "conv(3)", "pool(3->2)", "conv(2)",
        "pool(2->1)", "conv(1)"},
       {0}},
  };
  for (const ScheduleCase& c : cases) {
    const QmfCircuit q = circuit_for(c.k, c.classes);
    const std::string where = fmt::format("k = {}, C = {}", fmt::join(c.k, ","), c.classes);
    EXPECT_EQ(q.schedule, c.schedule) << where;
    EXPECT_EQ(q.readout, c.readout) << where;
  }
}

TEST(QmfCircuitGolden, ParameterCountsFollowTheBlockSizes) {
  // Fusion: 2n + (pairs) * k per layer; QCNN shared: 6 per conv6 layer, 2 per pool layer.
  const QmfCircuit c = circuit_for({4, 4}, 10, 2);
  EXPECT_EQ(c.fusion_params, 2u * (2 * 8 + 2 * 4));
  EXPECT_EQ(c.qcnn_params, 6u + 2u + 6u);
  const QmfCircuit c3 = circuit_for({4, 4, 4}, 10, 1);
  EXPECT_EQ(c3.fusion_params, 2u * 12 + 3u * 4);
}

}  // namespace
}  // namespace qmf::model
