// Gradients from shot estimates (noise/shot_gradient.h). Without shots the estimator is the
// parameter-shift rule itself, so it must equal the adjoint gradient (state vectors and density
// matrices, readout error included, per-sample angles, shared angles in several gates, registers
// prepared by RY trees); with shots it must be unbiased (a mean over many seeds within five
// standard errors of the exact gradient), and its draws must depend on the streams alone.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "noise/density.h"
#include "noise/readout_error.h"
#include "noise/shot_gradient.h"
#include "support/noisy_problem.h"
#include "support/sim_support.h"

namespace qmf {
namespace {

using namespace qmf::testing;
using noise::ChannelKind;

// A random circuit whose registers hold real states, as the amplitude and belief encodings make.
Problem real_problem(uint64_t seed, int n, size_t batch) {
  Problem p = noisy_problem(seed, n, batch);
  Rng rng(seed + 1000);
  for (auto& rows : p.amplitudes) {
    const size_t dim = rows.size() / batch;
    for (size_t b = 0; b < batch; ++b) {
      double norm = 0;
      for (size_t i = 0; i < dim; ++i) {
        const double x = rng.normal();
        rows[b * dim + i] = x;
        norm += x * x;
      }
      for (size_t i = 0; i < dim; ++i) rows[b * dim + i] /= std::sqrt(norm);
    }
  }
  return p;
}

noise::NoiseModel some_noise() {
  noise::NoiseModel m;
  m.after_one_qubit = {{ChannelKind::depolarizing, 0.02}, {ChannelKind::amplitude_damping, 0.03}};
  m.after_two_qubit = {{ChannelKind::depolarizing2, 0.04}};
  m.after_three_qubit = {{ChannelKind::phase_flip, 0.02}};
  m.readout = {0.03, 0.06};
  return m;
}

// The exact gradient by the density matrices' adjoint; register gradients are projected on the
// tangent of the unit sphere, the only part a prepared state's angles can see.
grad::Gradients exact_gradient(const Problem& p, const noise::NoiseModel& m) {
  noise::DensitySimulator<double> sim(p.circuit, m, {.threads = 1});
  sim.forward(p.input(), p.theta, p.sample);
  std::vector<double> d = p.dprobs;
  noise::readout_error_backward(m.readout, d, p.outcomes());
  grad::Gradients g;
  sim.adjoint(p.input(), p.readout, d, g);
  for (size_t m_ = 0; m_ < p.amplitudes.size(); ++m_) {
    const size_t dim = p.amplitudes[m_].size() / p.batch;
    for (size_t b = 0; b < p.batch; ++b) {
      double along = 0;
      for (size_t i = 0; i < dim; ++i)
        along += g.registers[m_][b * dim + i].real() * p.amplitudes[m_][b * dim + i].real();
      for (size_t i = 0; i < dim; ++i)
        g.registers[m_][b * dim + i] =
            g.registers[m_][b * dim + i].real() - along * p.amplitudes[m_][b * dim + i].real();
    }
  }
  return g;
}

template <typename T>
grad::Gradients shot_gradient(const Problem& p, const noise::NoiseModel& m, uint64_t shots,
                              uint64_t seed, uint64_t first_stream = 0) {
  noise::ShotGradient<T> estimator(p.circuit, m, p.readout, shots, seed, 1);
  grad::Gradients g;
  estimator.run(p.input(), p.amplitudes.size(), p.theta, p.sample, p.dprobs, first_stream, g);
  return g;
}

std::vector<double> real_parts(const std::vector<std::vector<cplx>>& registers) {
  std::vector<double> out;
  for (const auto& r : registers)
    for (cplx x : r) out.push_back(x.real());
  return out;
}

TEST(ShotGradient, WithoutShotsIsTheExactGradient) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const Problem p = real_problem(seed, 3 + static_cast<int>(seed % 2), 3);
    for (const noise::NoiseModel& m : {noise::NoiseModel{}, some_noise()}) {
      const grad::Gradients want = exact_gradient(p, m);
      const grad::Gradients got = shot_gradient<double>(p, m, 0, 0);
      const std::string where =
          fmt::format("seed {}, {}", seed, m.after_one_qubit.empty() ? "no noise" : "noise");
      EXPECT_LT(compare(got.theta, want.theta).max_abs, 1e-10) << where;
      EXPECT_LT(compare(got.sample, want.sample).max_abs, 1e-10) << where;
      EXPECT_LT(compare(real_parts(got.registers), real_parts(want.registers)).max_abs, 1e-10)
          << where;
    }
  }
}

TEST(ShotGradient, FloatAgreesWithDouble) {
  const Problem p = real_problem(8, 4, 3);
  const grad::Gradients d = shot_gradient<double>(p, some_noise(), 0, 0);
  const grad::Gradients f = shot_gradient<float>(p, some_noise(), 0, 0);
  EXPECT_LT(compare(f.theta, d.theta).max_abs, 1e-4);
  EXPECT_LT(compare(real_parts(f.registers), real_parts(d.registers)).max_abs, 1e-4);
}

TEST(ShotGradient, EstimatesAreUnbiased) {
  const Problem p = real_problem(11, 3, 2);
  const noise::NoiseModel m = some_noise();
  const grad::Gradients exact = exact_gradient(p, m);
  const std::vector<double> want = [&] {
    std::vector<double> v = exact.theta;
    for (double x : exact.sample) v.push_back(x);
    for (double x : real_parts(exact.registers)) v.push_back(x);
    return v;
  }();
  constexpr int kRepeats = 300;
  std::vector<double> sum(want.size(), 0.0), sum2(want.size(), 0.0);
  for (int r = 0; r < kRepeats; ++r) {
    const grad::Gradients g = shot_gradient<double>(p, m, 50, 7, static_cast<uint64_t>(r) * 100);
    std::vector<double> v = g.theta;
    for (double x : g.sample) v.push_back(x);
    for (double x : real_parts(g.registers)) v.push_back(x);
    for (size_t i = 0; i < v.size(); ++i) sum[i] += v[i], sum2[i] += v[i] * v[i];
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const double mean = sum[i] / kRepeats;
    const double sd = std::sqrt(std::max(sum2[i] / kRepeats - mean * mean, 0.0));
    EXPECT_LE(std::abs(mean - want[i]), 5 * sd / std::sqrt(kRepeats) + 1e-12)
        << "component " << i << ": mean " << mean << ", exact " << want[i] << ", sd " << sd;
  }
}

// Sample b's estimates come from streams named by first_stream + b: a batch cut in two gives
// the same per-sample gradients, and another seed gives others.
TEST(ShotGradient, DrawsDependOnTheStreamsAlone) {
  const Problem whole = real_problem(13, 3, 4);
  const auto half = [&](size_t first) {
    Problem h = whole;
    h.batch = 2;
    const size_t outcomes = whole.outcomes(), sp = whole.sp();
    h.dprobs.assign(whole.dprobs.begin() + static_cast<long>(first * outcomes),
                    whole.dprobs.begin() + static_cast<long>((first + 2) * outcomes));
    h.sample.assign(whole.sample.begin() + static_cast<long>(first * sp),
                    whole.sample.begin() + static_cast<long>((first + 2) * sp));
    for (size_t m = 0; m < h.amplitudes.size(); ++m) {
      const size_t dim = whole.amplitudes[m].size() / whole.batch;
      h.amplitudes[m].assign(whole.amplitudes[m].begin() + static_cast<long>(first * dim),
                             whole.amplitudes[m].begin() + static_cast<long>((first + 2) * dim));
    }
    return shot_gradient<double>(h, some_noise(), 100, 5, 40 + first);
  };
  const grad::Gradients all = shot_gradient<double>(whole, some_noise(), 100, 5, 40);
  const grad::Gradients a = half(0), b = half(2);
  std::vector<double> joined = a.sample;
  joined.insert(joined.end(), b.sample.begin(), b.sample.end());
  EXPECT_EQ(joined, all.sample);
  for (size_t m = 0; m < all.registers.size(); ++m) {
    std::vector<cplx> regs = a.registers[m];
    regs.insert(regs.end(), b.registers[m].begin(), b.registers[m].end());
    EXPECT_EQ(regs, all.registers[m]) << "register " << m;
  }
  for (size_t i = 0; i < all.theta.size(); ++i)
    EXPECT_NEAR(a.theta[i] + b.theta[i], all.theta[i], 1e-12) << "theta " << i;
  const grad::Gradients other = shot_gradient<double>(whole, some_noise(), 100, 6, 40);
  EXPECT_NE(other.theta, all.theta);
}

TEST(ShotGradient, CountsItsCircuits) {
  sim::Circuit c(3);
  c.add(sim::GateKind::RY, 0, sim::Angle::shared(0));
  c.add(sim::GateKind::CRX, 0, 1, sim::Angle::shared(0));  // the same angle twice, four terms
  c.add(sim::GateKind::RZ, 2, sim::Angle::sample(0));
  const std::vector<int> prepared{2, 1};
  EXPECT_EQ(noise::shot_gradient_circuits(c, prepared), 2u + 4u + 2u + 2u * 3u + 2u * 1u);
}

}  // namespace
}  // namespace qmf
