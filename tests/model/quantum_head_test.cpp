// The quantum head both quantum fusions run on (model/quantum_head.h): its backward against
// finite differences of a fixed linear function of its marginal, for the circuit angles and the
// FFN weights, under each encoding, with and without an ancilla register.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/qmf_circuit.h"
#include "model/quantum_head.h"
#include "nn/mlp.h"

namespace qmf::model {
namespace {

struct Case {
  Encoding encoding;
  int ancilla_qubits;
};

std::string case_name(const Case& c) {
  const std::string encoding(name_of(c.encoding));
  return c.ancilla_qubits ? fmt::format("{}_{}ancillas", encoding, c.ancilla_qubits) : encoding;
}
void PrintTo(const Case& c, std::ostream* os) { *os << case_name(c); }

class QuantumHeadGradient : public ::testing::TestWithParam<Case> {};

TEST_P(QuantumHeadGradient, MatchesFiniteDifferences) {
  const Case c = GetParam();
  const std::vector<int> k{2, 3};
  const bool angle = c.encoding == Encoding::angle;
  const QmfCircuit qc = build_qmf_circuit({.k = k, .encoding = c.encoding}, 3);
  // Ancillas: extra idle qubits after the registers, which the marginal must not depend on.
  sim::Circuit circuit(qc.circuit.qubits() + c.ancilla_qubits);
  for (const sim::Gate& g : qc.circuit.gates()) circuit.add(g.kind, g.qubits, g.angles);

  nn::ParameterArena arena;
  std::vector<std::unique_ptr<nn::Mlp>> ffns;
  const std::vector<size_t> dims{4, 3};
  for (size_t m = 0; m < k.size(); ++m)
    ffns.push_back(std::make_unique<nn::Mlp>(
        arena, "ffn" + std::to_string(m + 1),
        std::vector<nn::Index>{static_cast<nn::Index>(dims[m]), angle ? k[m] : 1 << k[m]}));
  const size_t theta = arena.add("circuit", circuit.shared_params(), nn::ParamKind::Quantum);
  QuantumHead<double> head(std::move(ffns),
                           {.encoding = c.encoding,
                            .k = k,
                            .ancilla_qubits = c.ancilla_qubits,
                            .readout = qc.readout,
                            .threads = 1},
                           circuit);
  Rng rng(9);
  head.init(rng);
  for (double& a : arena.values(theta, circuit.shared_params())) a = rng.uniform(-M_PI, M_PI);
  std::vector<nn::Matrix> x;
  for (size_t d : dims) {
    x.emplace_back(3, static_cast<nn::Index>(d));
    for (nn::Index i = 0; i < x.back().size(); ++i) x.back().data()[i] = rng.normal();
  }
  const auto angles = [&] { return std::as_const(arena).values(theta, circuit.shared_params()); };
  nn::Matrix weights = head.forward(x, angles());
  for (nn::Index i = 0; i < weights.size(); ++i) weights.data()[i] = rng.normal();
  const auto loss = [&] { return head.forward(x, angles()).cwiseProduct(weights).sum(); };

  loss();
  arena.zero_grad();
  const std::span<const double> dtheta = head.backward(weights);
  auto g = arena.grads(theta, dtheta.size());
  for (size_t i = 0; i < g.size(); ++i) g[i] += dtheta[i];
  const std::vector<double> analytic(arena.grads().begin(), arena.grads().end());

  auto values = arena.values();
  const double h = 1e-6;
  for (size_t i = 0; i < values.size(); ++i) {
    const double keep = values[i];
    values[i] = keep + h;
    const double up = loss();
    values[i] = keep - h;
    const double down = loss();
    values[i] = keep;
    EXPECT_NEAR(analytic[i], (up - down) / (2 * h), 1e-6) << arena.block_at(i).name;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryEncoding, QuantumHeadGradient,
                         ::testing::Values(Case{Encoding::amplitude, 0}, Case{Encoding::belief, 0},
                                           Case{Encoding::angle, 0}, Case{Encoding::belief, 2}),
                         [](const auto& info) { return case_name(info.param); });

}  // namespace
}  // namespace qmf::model
