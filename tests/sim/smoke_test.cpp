#include <gtest/gtest.h>

#include "core/rng.h"
#include "grad/adjoint.h"
#include "grad/param_shift.h"
#include "support/dense_reference.h"

namespace qmf {
namespace {

using sim::cplx;

TEST(EngineSmoke, ForwardMatchesDense) {
  Rng rng(1);
  sim::Circuit c(4);
  for (int q = 0; q < 4; ++q) c.add(sim::GateKind::RY, q, sim::Angle::shared(q));
  c.add(sim::GateKind::CRX, 0, 3, sim::Angle::shared(4));
  c.add(sim::GateKind::RZ, 2, sim::Angle::shared(5));
  c.add(sim::GateKind::CNOT, 2, 1);
  auto prog = std::make_shared<const sim::Program>(c);
  std::vector<double> theta(6);
  for (auto& t : theta) t = rng.uniform(-3, 3);
  const size_t batch = 5;
  std::vector<cplx> r1(batch * 4), r2(batch * 4);
  for (auto& v : r1) v = {rng.normal(), rng.normal()};
  for (auto& v : r2) v = {rng.normal(), rng.normal()};
  sim::ProductInput in{{2, 2}, {r1, r2}};
  for (auto isa : {qmf::Isa::Scalar, qmf::best_isa()}) {
    sim::Simulator<double> s(prog, {1, isa});
    auto st = s.make_state(batch);
    s.forward(in, theta, {}, st);
    for (size_t b = 0; b < batch; ++b) {
      testing::VectorC psi(16);
      for (int a = 0; a < 16; ++a) psi(a) = r1[b * 4 + (a >> 2)] * r2[b * 4 + (a & 3)];
      const auto ref = testing::run_dense(c, psi, theta.data(), nullptr);
      for (int a = 0; a < 16; ++a) EXPECT_NEAR(std::abs(st.amplitude(b, a) - ref(a)), 0, 1e-12);
    }
  }
}

}  // namespace
}  // namespace qmf

namespace qmf {
namespace {

TEST(EngineSmoke, AdjointMatchesFiniteDifferences) {
  Rng rng(2);
  sim::Circuit c(4);
  for (int q = 0; q < 4; ++q) c.add(sim::GateKind::RY, q, sim::Angle::shared(q));
  c.add(sim::GateKind::CRX, 0, 3, sim::Angle::shared(4));
  c.add(sim::GateKind::RZ, 2, sim::Angle::shared(5));
  c.add(sim::GateKind::CNOT, 2, 1);
  c.add(sim::GateKind::RX, 1, sim::Angle::sample(0));
  c.add(sim::GateKind::U3, {3, 0, 0},
        {sim::Angle::shared(6), sim::Angle::shared(0), sim::Angle::shared(7)});
  auto prog = std::make_shared<const sim::Program>(c);
  std::vector<double> theta(8);
  for (auto& t : theta) t = rng.uniform(-3, 3);
  const size_t batch = 6;
  std::vector<double> xs(batch);
  for (auto& t : xs) t = rng.uniform(-3, 3);
  std::vector<sim::cplx> r1(batch * 4), r2(batch * 4);
  for (auto& v : r1) v = {rng.normal(), rng.normal()};
  for (auto& v : r2) v = {rng.normal(), rng.normal()};
  sim::ProductInput in{{2, 2}, {r1, r2}};
  const std::vector<int> q{2, 0};
  std::vector<double> g(batch * 4);
  for (auto& v : g) v = rng.normal();
  sim::Simulator<double> s(prog, {1, qmf::best_isa()});
  const auto loss = [&](const std::vector<double>& th, const std::vector<double>& x) {
    auto st = s.make_state(batch);
    s.forward(in, th, x, st);
    std::vector<double> p(batch * 4);
    s.marginal(st, q, p);
    double l = 0;
    for (size_t i = 0; i < p.size(); ++i) l += g[i] * p[i];
    return l;
  };
  auto st = s.make_state(batch);
  s.forward(in, theta, xs, st);
  grad::Gradients gr;
  grad::adjoint(s, st, in, q, g, gr);
  grad::Gradients ps;
  grad::parameter_shift<double>(*prog, {1, qmf::best_isa()}, in, theta, xs, q, g, ps);
  for (size_t i = 0; i < theta.size(); ++i) {
    auto tp = theta, tm = theta;
    tp[i] += 1e-6;
    tm[i] -= 1e-6;
    const double fd = (loss(tp, xs) - loss(tm, xs)) / 2e-6;
    EXPECT_NEAR(gr.theta[i], fd, 1e-7) << i;
    EXPECT_NEAR(gr.theta[i], ps.theta[i], 1e-10) << i;
  }
  for (size_t b = 0; b < batch; ++b) {
    auto xp = xs, xm = xs;
    xp[b] += 1e-6;
    xm[b] -= 1e-6;
    const double fd = (loss(theta, xp) - loss(theta, xm)) / 2e-6;
    EXPECT_NEAR(gr.sample[b], fd, 1e-7) << b;
    EXPECT_NEAR(gr.sample[b], ps.sample[b], 1e-10) << b;
  }
  // Register gradient, real part of amplitude 3 of register 1, sample 2.
  auto rp = r1, rm = r1;
  rp[2 * 4 + 3] += 1e-6;
  rm[2 * 4 + 3] -= 1e-6;
  sim::ProductInput ip{{2, 2}, {rp, r2}}, im{{2, 2}, {rm, r2}};
  const auto loss_in = [&](const sim::ProductInput& x) {
    auto st2 = s.make_state(batch);
    s.forward(x, theta, xs, st2);
    std::vector<double> p(batch * 4);
    s.marginal(st2, q, p);
    double l = 0;
    for (size_t i = 0; i < p.size(); ++i) l += g[i] * p[i];
    return l;
  };
  EXPECT_NEAR(gr.registers[0][2 * 4 + 3].real(), (loss_in(ip) - loss_in(im)) / 2e-6, 1e-7);
}

}  // namespace
}  // namespace qmf
