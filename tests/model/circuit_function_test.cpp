// The circuit as a differentiable function (model/circuit_function.h): its values are the
// trained QMFNN's readout on the same registers and angles, its vector-Jacobian product matches
// finite differences for every input under each encoding and readout, and a tape is
// differentiated once.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/circuit_function.h"
#include "model/encoding.h"
#include "model/qmfnn.h"
#include "model/qmfnn_probe.h"

namespace qmf::model {
namespace {

using cplx = std::complex<double>;

struct Case {
  Encoding encoding;
  Readout readout;
};
void PrintTo(const Case& c, std::ostream* os) {
  *os << name_of(c.encoding) << "_" << name_of(c.readout);
}

// Random inputs of the right shapes: register rows (any real values: the function does not
// normalise) or angles.
struct Inputs {
  RegisterStates registers;
  std::vector<double> angles;
};

Inputs random_inputs(const CircuitFunction& f, size_t batch, Rng& rng) {
  Inputs in;
  const auto& k = f.spec().settings.k;
  if (f.spec().settings.encoding == Encoding::angle) {
    in.angles.resize(batch * static_cast<size_t>(f.circuit().circuit.qubits()));
    for (double& a : in.angles) a = rng.uniform(-M_PI, M_PI);
    return in;
  }
  for (int km : k) {
    std::vector<cplx> r(batch << km);
    for (cplx& a : r) a = rng.uniform(-1, 1);
    in.registers.push_back(std::move(r));
  }
  return in;
}

// L = sum(w .* values), the scalar whose gradient the vjp gives for dvalues = w.
double loss(const CircuitFunction& f, const Inputs& in, const std::vector<double>& theta,
            const nn::Matrix& w) {
  nn::Matrix values;
  f.forward(in.registers, in.angles, theta, values);
  return (values.array() * w.array()).sum();
}

class CircuitFunctionGradient : public ::testing::TestWithParam<Case> {};

TEST_P(CircuitFunctionGradient, MatchesFiniteDifferences) {
  const Case c = GetParam();
  const CircuitFunction f(
      {.settings = {.k = {2, 1, 2}, .encoding = c.encoding, .readout = c.readout},
       .classes = 3,
       .precision = Precision::f64,
       .threads = 1});
  Rng rng(5);
  const size_t batch = 3;
  Inputs in = random_inputs(f, batch, rng);
  std::vector<double> theta(f.params());
  for (double& t : theta) t = rng.uniform(-M_PI, M_PI);
  nn::Matrix w(static_cast<nn::Index>(batch), f.outputs());
  for (nn::Index i = 0; i < w.size(); ++i) w.data()[i] = rng.uniform(-1, 1);

  nn::Matrix values;
  auto tape = f.forward(in.registers, in.angles, theta, values);
  ASSERT_EQ(values.cols(), f.outputs());
  const grad::Gradients g = tape->vjp(w);
  // Central difference of the loss in one input, moved by `set`.
  auto numeric = [&](double keep, auto set) {
    const double h = 1e-6;
    set(keep + h);
    const double up = loss(f, in, theta, w);
    set(keep - h);
    const double down = loss(f, in, theta, w);
    set(keep);
    return (up - down) / (2 * h);
  };
  for (size_t i = 0; i < theta.size(); ++i)
    EXPECT_NEAR(g.theta[i], numeric(theta[i], [&](double v) { theta[i] = v; }), 1e-7)
        << "theta " << i;
  for (size_t i = 0; i < in.angles.size(); ++i)
    EXPECT_NEAR(g.sample[i], numeric(in.angles[i], [&](double v) { in.angles[i] = v; }), 1e-7)
        << "angle " << i;
  for (size_t m = 0; m < in.registers.size(); ++m)
    for (size_t i = 0; i < in.registers[m].size(); ++i)
      EXPECT_NEAR(g.registers[m][i].real(),
                  numeric(in.registers[m][i].real(), [&](double v) { in.registers[m][i] = v; }),
                  1e-7)
          << "register " << m << " amplitude " << i;
}

INSTANTIATE_TEST_SUITE_P(EncodingsAndReadouts, CircuitFunctionGradient,
                         ::testing::Values(Case{Encoding::amplitude, Readout::probs},
                                           Case{Encoding::amplitude, Readout::expval},
                                           Case{Encoding::angle, Readout::probs},
                                           Case{Encoding::angle, Readout::expval}),
                         [](const auto& info) {
                           return fmt::format("{}_{}", name_of(info.param.encoding),
                                              name_of(info.param.readout));
                         });

class CircuitFunctionFeatures : public ::testing::TestWithParam<Encoding> {};

// forward_features encodes as the QMFNN does, so its values are forward's on the encoded
// registers, and its feature gradients match finite differences of the features themselves.
TEST_P(CircuitFunctionFeatures, EncodeAsTheModelAndDifferentiateTheFeatures) {
  const Encoding encoding = GetParam();
  const CircuitFunction f({.settings = {.k = {2, 1}, .encoding = encoding},
                           .classes = 3,
                           .precision = Precision::f64,
                           .threads = 1});
  Rng rng(4);
  std::vector<nn::Matrix> h;
  for (size_t m = 0; m < 2; ++m) {
    h.emplace_back(3, f.feature_width(m));
    for (nn::Index i = 0; i < h[m].size(); ++i) h[m].data()[i] = rng.uniform(-2, 2);
  }
  std::vector<double> theta(f.params());
  for (double& t : theta) t = rng.uniform(-M_PI, M_PI);
  const nn::Matrix w = nn::Matrix::Random(3, f.outputs());
  nn::Matrix values;
  auto tape = f.forward_features(h, theta, values);
  tape->vjp(w);
  const std::vector<nn::Matrix> dh = tape->feature_gradients();
  if (encoding != Encoding::angle) {
    RegisterStates registers(2);
    for (size_t m = 0; m < 2; ++m) encode(encoding, h[m], registers[m]);
    nn::Matrix direct;
    f.forward(registers, {}, theta, direct);
    EXPECT_LT((direct - values).cwiseAbs().maxCoeff(), 1e-15);
  }
  auto loss_at = [&] {
    nn::Matrix v;
    f.forward_features(h, theta, v);
    return (v.array() * w.array()).sum();
  };
  for (size_t m = 0; m < 2; ++m)
    for (nn::Index i = 0; i < h[m].size(); ++i) {
      double& x = h[m].data()[i];
      const double keep = x, step = 1e-6;
      x = keep + step;
      const double up = loss_at();
      x = keep - step;
      const double down = loss_at();
      x = keep;
      EXPECT_NEAR(dh[m].data()[i], (up - down) / (2 * step), 1e-7) << "feature " << m << "," << i;
    }
}

INSTANTIATE_TEST_SUITE_P(EveryEncoding, CircuitFunctionFeatures,
                         ::testing::Values(Encoding::amplitude, Encoding::belief, Encoding::angle),
                         [](const auto& test) { return std::string(name_of(test.param)); });

TEST(CircuitFunction, GivesTheModelsReadoutOnTheSameRegisters) {
  QmfnnSpec spec{
      .dims = {5, 6}, .classes = 6, .settings = {}, .precision = Precision::f64, .threads = 1};
  spec.settings.k = {3, 3};
  spec.settings.readout = Readout::probs;
  const auto model = make_qmfnn(spec);
  Rng rng(3);
  model->init(rng);
  QmfnnProbe& probe = *model->probe();
  std::vector<nn::Matrix> x{nn::Matrix::Random(4, 5), nn::Matrix::Random(4, 6)};
  const QmfnnProbe::Registers registers = probe.registers(x);
  nn::Matrix marginal, probs;
  probe.run_from(registers, marginal, probs);

  const CircuitFunction f(
      {.settings = spec.settings, .classes = 6, .precision = Precision::f64, .threads = 1});
  const std::vector<double> theta(probe.angles().begin(), probe.angles().end());
  nn::Matrix values;
  f.forward(registers, {}, theta, values);
  ASSERT_EQ(values.rows(), probs.rows());
  ASSERT_EQ(values.cols(), probs.cols());
  EXPECT_LT((values - probs).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(CircuitFunction, FloatPrecisionAgreesWithDouble) {
  CircuitFunctionSpec spec{
      .settings = {}, .classes = 10, .precision = Precision::f64, .threads = 1};
  const CircuitFunction f64(spec);
  spec.precision = Precision::f32;
  const CircuitFunction f32(spec);
  Rng rng(8);
  const Inputs in = random_inputs(f64, 5, rng);
  std::vector<double> theta(f64.params());
  for (double& t : theta) t = rng.uniform(-M_PI, M_PI);
  nn::Matrix a, b;
  f64.forward(in.registers, in.angles, theta, a);
  f32.forward(in.registers, in.angles, theta, b);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-4);
}

TEST(CircuitFunction, DifferentiatesATapeOnceAndPendingTapesApart) {
  const CircuitFunction f(
      {.settings = {.k = {2, 2}}, .classes = 4, .precision = Precision::f64, .threads = 1});
  Rng rng(2);
  const Inputs in = random_inputs(f, 2, rng);
  std::vector<double> theta(f.params(), 0.3), other(f.params(), -0.7);
  nn::Matrix values, ignored;
  auto first = f.forward(in.registers, in.angles, theta, values);
  auto second = f.forward(in.registers, in.angles, other, ignored);  // pending at once
  const nn::Matrix w = nn::Matrix::Ones(2, f.outputs());
  const std::vector<double> g_first = first->vjp(w).theta;
  EXPECT_THROW(first->vjp(w), UsageError);
  auto again = f.forward(in.registers, in.angles, theta, values);
  EXPECT_EQ(again->vjp(w).theta, g_first);  // the second tape did not disturb the first
  EXPECT_NO_THROW(second->vjp(w));
}

TEST(CircuitFunction, RefusesInputsOfTheWrongShape) {
  const CircuitFunction f(
      {.settings = {.k = {2, 2}}, .classes = 4, .precision = Precision::f64, .threads = 1});
  nn::Matrix values;
  const std::vector<double> theta(f.params(), 0.1);
  const RegisterStates three_rows_and_two{std::vector<cplx>(12), std::vector<cplx>(8)};
  EXPECT_THROW(f.forward(three_rows_and_two, {}, theta, values), UsageError);
  const RegisterStates one{std::vector<cplx>(4)};
  EXPECT_THROW(f.forward(one, {}, theta, values), UsageError);
  const RegisterStates ok{std::vector<cplx>(4, 0.5), std::vector<cplx>(4, 0.5)};
  EXPECT_THROW(f.forward(ok, {}, std::vector<double>(3), values), UsageError);
  auto tape = f.forward(ok, {}, theta, values);
  EXPECT_THROW(tape->vjp(nn::Matrix::Ones(2, f.outputs())), UsageError);
}

}  // namespace
}  // namespace qmf::model
