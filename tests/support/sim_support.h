#pragma once
// Helpers for the simulator and gradient tests: random unitaries, states, circuits and whole
// problems (circuit + parameters + product input + readout + loss weights), an index-arithmetic
// dense reference for sizes where the Kronecker one (dense_reference.h) is too slow, a runner
// that collects states, marginals and adjoint gradients, per-sample losses for finite
// differences, and the comparisons the thresholds of docs/MODEL.md are stated in.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <functional>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "grad/adjoint.h"
#include "grad/gradients.h"
#include "sim/circuit.h"
#include "sim/gates.h"
#include "sim/isa.h"
#include "sim/program.h"
#include "sim/simulator.h"
#include "support/dense_reference.h"

namespace qmf::testing {

using sim::Angle;
using sim::GateKind;

// ---------------------------------------------------------------------------------------------
// Tolerances per precision.

template <typename T>
inline constexpr double kStateTol = std::is_same_v<T, double> ? 1e-12 : 1e-5;

// ---------------------------------------------------------------------------------------------
// Error messages.

// The message of the qmf::Error that `f` throws; a test failure (and "") if it throws none or
// throws something else.
inline std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected qmf::Error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no qmf::Error thrown";
  return "";
}

#define QMF_EXPECT_ERROR(statement, needle)           \
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, \
                      ::qmf::testing::error_message([&] { statement; }))

// ---------------------------------------------------------------------------------------------
// Gate kinds.

inline std::vector<GateKind> all_kinds() {
  std::vector<GateKind> k;
  for (int i = 0; i < sim::kGateKinds; ++i) k.push_back(static_cast<GateKind>(i));
  return k;
}

inline bool is_fixed(GateKind k) { return k == GateKind::Unitary1 || k == GateKind::Unitary2; }

inline std::string kind_name(GateKind k) { return std::string(sim::info(k).name); }

// ---------------------------------------------------------------------------------------------
// Random objects.

inline cplx normal_c(Rng& rng) { return {rng.normal(), rng.normal()}; }

// Haar-like random unitary: QR of a complex Gaussian matrix with the phases of R's diagonal
// moved into Q.
inline MatrixC random_unitary(Rng& rng, int dim) {
  MatrixC a(dim, dim);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal_c(rng);
  Eigen::HouseholderQR<MatrixC> qr(a);
  MatrixC q = qr.householderQ();
  const MatrixC& r = qr.matrixQR();
  for (int j = 0; j < dim; ++j) q.col(j) *= r(j, j) / std::abs(r(j, j));
  return q;
}

// A random normalised vector of `dim` complex amplitudes.
inline std::vector<cplx> random_amplitudes(Rng& rng, size_t dim) {
  std::vector<cplx> v(dim);
  double norm = 0;
  for (auto& x : v) norm += std::norm(x = normal_c(rng));
  for (auto& x : v) x /= std::sqrt(norm);
  return v;
}

inline double random_angle(Rng& rng) { return rng.uniform(-std::numbers::pi, std::numbers::pi); }

// `k` distinct qubits of n in random order.
inline std::vector<int> random_qubits(Rng& rng, int n, int k) {
  std::vector<int> q(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) q[static_cast<size_t>(i)] = i;
  rng.shuffle(q);
  q.resize(static_cast<size_t>(k));
  return q;
}

// Every ordered tuple of k distinct qubits out of n (all placements, every control/target order).
inline std::vector<std::vector<int>> all_placements(int n, int k) {
  std::vector<std::vector<int>> out;
  std::vector<int> cur;
  std::function<void()> rec = [&] {
    if (static_cast<int>(cur.size()) == k) {
      out.push_back(cur);
      return;
    }
    for (int q = 0; q < n; ++q)
      if (std::find(cur.begin(), cur.end(), q) == cur.end()) {
        cur.push_back(q);
        rec();
        cur.pop_back();
      }
  };
  rec();
  return out;
}

// Adds one gate of `kind` on `qubits` (controls first); fixed kinds get a random unitary.
inline void add_gate(sim::Circuit& c, GateKind kind, const std::vector<int>& qubits,
                     std::array<Angle, 3> angles, Rng& rng) {
  std::array<int, 3> q{0, 0, 0};
  std::copy(qubits.begin(), qubits.end(), q.begin());
  if (is_fixed(kind)) {
    c.add_unitary(random_unitary(rng, 1 << sim::info(kind).qubits), q);
  } else {
    c.add(kind, q, angles);
  }
}

struct CircuitSpec {
  int qubits = 4;
  int gates = 20;                // random gates after the coverage prefix
  uint32_t shared = 8;           // pool of shared parameters (fewer than slots: weight sharing)
  uint32_t sample = 0;           // pool of per-sample angles
  double sample_fraction = 0.3;  // chance that a parametric slot reads a per-sample angle
  bool cover = true;  // begin with every kind that fits, parametric ones once shared and once
                      // per sample (when sample > 0)
  bool toffoli = true;
  bool fixed = true;  // allow Unitary1 / Unitary2
};

inline sim::Circuit random_circuit(Rng& rng, const CircuitSpec& spec) {
  sim::Circuit c(spec.qubits);
  std::vector<GateKind> kinds;
  for (GateKind k : all_kinds()) {
    if (sim::info(k).qubits > spec.qubits) continue;
    if (k == GateKind::Toffoli && !spec.toffoli) continue;
    if (is_fixed(k) && !spec.fixed) continue;
    kinds.push_back(k);
  }
  const auto angles_for = [&](GateKind k, int force) {  // force: -1 random, 0 shared, 1 sample
    std::array<Angle, 3> a{};
    for (int p = 0; p < sim::info(k).params; ++p) {
      const bool per_sample =
          spec.sample > 0 && (force == 1 || (force == -1 && rng.uniform() < spec.sample_fraction));
      a[static_cast<size_t>(p)] =
          per_sample ? Angle::sample(static_cast<uint32_t>(rng.below(spec.sample)))
                     : Angle::shared(static_cast<uint32_t>(rng.below(spec.shared)));
    }
    return a;
  };
  const auto emit = [&](GateKind k, int force) {
    add_gate(c, k, random_qubits(rng, spec.qubits, sim::info(k).qubits), angles_for(k, force), rng);
  };
  if (spec.cover)
    for (GateKind k : kinds) {
      emit(k, 0);
      if (sim::info(k).params > 0 && spec.sample > 0) emit(k, 1);
    }
  for (int i = 0; i < spec.gates; ++i) emit(kinds[rng.below(kinds.size())], -1);
  return c;
}

// ---------------------------------------------------------------------------------------------
// A whole problem: what forward, marginal and adjoint need.

struct Problem {
  sim::Circuit circuit{1};
  size_t batch = 1;
  std::vector<int> registers;                 // qubits per register, R_1 first
  std::vector<std::vector<cplx>> amplitudes;  // register m: batch rows of 2^k_m values
  std::vector<double> theta, sample;          // sample: batch rows of sample_params() values
  std::vector<int> readout;                   // ordered marginal qubits
  std::vector<double> dprobs;                 // batch * 2^|readout| loss weights

  sim::ProductInput input() const { return input_from(amplitudes); }
  sim::ProductInput input_from(const std::vector<std::vector<cplx>>& amps) const {
    sim::ProductInput in;
    in.qubits = registers;
    for (const auto& a : amps) in.amplitudes.emplace_back(a);
    return in;
  }
  int qubits() const { return circuit.qubits(); }
  size_t outcomes() const { return size_t{1} << readout.size(); }
  size_t sp() const { return circuit.sample_params(); }
};

// Random register sizes summing to n, at most `max_registers` of them.
inline std::vector<int> random_partition(Rng& rng, int n, int max_registers) {
  const int regs =
      1 + static_cast<int>(rng.below(static_cast<uint64_t>(std::min(n, max_registers))));
  std::vector<int> cuts = random_qubits(rng, n - 1, regs - 1);  // cut after qubit cuts[i]
  for (int& x : cuts) x += 1;
  std::sort(cuts.begin(), cuts.end());
  std::vector<int> sizes;
  int prev = 0;
  for (int x : cuts) sizes.push_back(x - prev), prev = x;
  sizes.push_back(n - prev);
  return sizes;
}

// Fills everything but the circuit: registers, amplitudes, angles, readout and dprobs.
inline void fill_problem(Rng& rng, Problem& p, size_t batch, int max_readout = 4,
                         int max_registers = 3) {
  const int n = p.circuit.qubits();
  p.batch = batch;
  p.registers = random_partition(rng, n, max_registers);
  p.amplitudes.clear();
  for (int k : p.registers) {
    std::vector<cplx> rows;
    for (size_t b = 0; b < batch; ++b) {
      const auto r = random_amplitudes(rng, size_t{1} << k);
      rows.insert(rows.end(), r.begin(), r.end());
    }
    p.amplitudes.push_back(std::move(rows));
  }
  p.theta.resize(p.circuit.shared_params());
  for (auto& t : p.theta) t = random_angle(rng);
  p.sample.resize(batch * p.circuit.sample_params());
  for (auto& t : p.sample) t = random_angle(rng);
  const int r = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(std::min(n, max_readout))));
  p.readout = random_qubits(rng, n, r);
  p.dprobs.resize(batch << r);
  for (auto& d : p.dprobs) d = rng.normal();
}

inline Problem random_problem(Rng& rng, const CircuitSpec& spec, size_t batch, int max_readout = 4,
                              int max_registers = 3) {
  Problem p;
  p.circuit = random_circuit(rng, spec);
  fill_problem(rng, p, batch, max_readout, max_registers);
  return p;
}

// The product input of sample b as one dense vector (register R_1 most significant).
inline VectorC input_vector(const Problem& p, size_t b) {
  const int n = p.qubits();
  VectorC psi(Eigen::Index{1} << n);
  for (Eigen::Index a = 0; a < psi.size(); ++a) {
    cplx v = 1.0;
    int shift = n;
    for (size_t m = 0; m < p.registers.size(); ++m) {
      const int k = p.registers[m];
      shift -= k;
      const size_t i = (static_cast<size_t>(a) >> shift) & ((size_t{1} << k) - 1);
      v *= p.amplitudes[m][(b << k) + i];
    }
    psi(a) = v;
  }
  return psi;
}

// ---------------------------------------------------------------------------------------------
// Index-arithmetic dense reference (independent of sim/layout.h): for every output basis state
// a, sums g(r, c) psi(a with the gate's bits set to c), r being a's bits on the gate's qubits
// read big-endian over the gate's list. Qubit q is bit (n-1-q).

inline VectorC apply_reference(int n, const MatrixC& g, const std::vector<int>& qubits,
                               const VectorC& psi) {
  const int k = static_cast<int>(qubits.size());
  const Eigen::Index dim = Eigen::Index{1} << n;
  VectorC out = VectorC::Zero(dim);
  for (Eigen::Index a = 0; a < dim; ++a) {
    int r = 0;
    Eigen::Index base = a;
    for (int t = 0; t < k; ++t) {
      const int bit = n - 1 - qubits[static_cast<size_t>(t)];
      r = (r << 1) | static_cast<int>((a >> bit) & 1);
      base &= ~(Eigen::Index{1} << bit);
    }
    cplx acc = 0;
    for (int c = 0; c < (1 << k); ++c) {
      Eigen::Index src = base;
      for (int t = 0; t < k; ++t)
        if ((c >> (k - 1 - t)) & 1)
          src |= Eigen::Index{1} << (n - 1 - qubits[static_cast<size_t>(t)]);
      acc += g(r, c) * psi(src);
    }
    out(a) = acc;
  }
  return out;
}

inline VectorC run_reference(const sim::Circuit& c, VectorC psi, const double* theta,
                             const double* sample) {
  for (const sim::Gate& g : c.gates()) {
    const int k = sim::info(g.kind).qubits;
    const std::vector<int> q(g.qubits.begin(), g.qubits.begin() + k);
    psi = apply_reference(c.qubits(), c.matrix(g, theta, sample), q, psi);
  }
  return psi;
}

// Reference final state of sample b of a problem.
inline VectorC reference_state(const Problem& p, size_t b) {
  return run_reference(p.circuit, input_vector(p, b), p.theta.data(), p.sample.data() + b * p.sp());
}

// Marginal probabilities of `qubits` (big-endian over the list) from a dense state.
inline std::vector<double> reference_marginal(int n, const VectorC& psi,
                                              const std::vector<int>& qubits) {
  std::vector<double> p(size_t{1} << qubits.size(), 0.0);
  for (Eigen::Index a = 0; a < psi.size(); ++a) {
    size_t c = 0;
    for (int q : qubits) c = (c << 1) | static_cast<size_t>((a >> (n - 1 - q)) & 1);
    p[c] += std::norm(psi(a));
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Running the engine.

inline std::shared_ptr<const sim::Program> compile(const sim::Circuit& c, int fuse = 2) {
  return std::make_shared<const sim::Program>(c, fuse);
}

struct RunResult {
  std::vector<cplx> state;    // batch rows of 2^n amplitudes
  std::vector<double> probs;  // batch rows of 2^|readout|
  grad::Gradients grads;      // empty unless asked for
};

// Raw values of every amplitude of every sample.
template <typename T>
std::vector<cplx> state_values(const sim::BatchState<T>& st) {
  const size_t amps = size_t{1} << st.qubits();
  std::vector<cplx> v(st.batch() * amps);
  for (size_t b = 0; b < st.batch(); ++b)
    for (size_t a = 0; a < amps; ++a) v[b * amps + a] = st.amplitude(b, a);
  return v;
}

// With gradients, the forward records the block inputs for the adjoint unless `record` is false.
template <typename T>
RunResult run_problem(const Problem& p, std::shared_ptr<const sim::Program> prog,
                      sim::SimOptions opt, bool gradients = true, bool record = true) {
  sim::Simulator<T> s(std::move(prog), opt);
  auto st = s.make_state(p.batch);
  const auto in = p.input();
  s.forward(in, p.theta, p.sample, st, gradients && record);
  RunResult r;
  r.state = state_values(st);
  r.probs.resize(p.batch * p.outcomes());
  s.marginal(st, p.readout, r.probs);
  if (gradients) grad::adjoint(s, st, in, p.readout, p.dprobs, r.grads);
  return r;
}

// L_b = sum_c dprobs[b][c] P_b(c) for each sample, for modified angles or amplitudes.
template <typename T>
class LossFn {
 public:
  LossFn(const Problem& p, std::shared_ptr<const sim::Program> prog, sim::SimOptions opt)
      : p_(p), sim_(std::move(prog), opt) {}

  std::vector<double> operator()(const std::vector<double>& theta,
                                 const std::vector<double>& sample,
                                 const std::vector<std::vector<cplx>>& amps) {
    auto st = sim_.make_state(p_.batch);
    sim_.forward(p_.input_from(amps), theta, sample, st);
    std::vector<double> probs(p_.batch * p_.outcomes());
    sim_.marginal(st, p_.readout, probs);
    std::vector<double> l(p_.batch, 0.0);
    for (size_t b = 0; b < p_.batch; ++b)
      for (size_t c = 0; c < p_.outcomes(); ++c)
        l[b] += p_.dprobs[b * p_.outcomes() + c] * probs[b * p_.outcomes() + c];
    return l;
  }

 private:
  const Problem& p_;
  sim::Simulator<T> sim_;
};

// Fourth-order central difference of a vector-valued f at 0: (8[f(h)-f(-h)] - [f(2h)-f(-2h)])/12h.
// Its truncation error is O(h^4), so h = 1e-3 leaves ~1e-13 of truncation and ~1e-13 of rounding.
inline std::vector<double> central_difference(const std::function<std::vector<double>(double)>& f,
                                              double h = 1e-3) {
  const auto p1 = f(h), m1 = f(-h), p2 = f(2 * h), m2 = f(-2 * h);
  std::vector<double> d(p1.size());
  for (size_t i = 0; i < d.size(); ++i) d[i] = (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * h);
  return d;
}

inline double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

struct FiniteDifferences {
  std::vector<double> theta;   // dL/dtheta
  std::vector<double> sample;  // dL/dx, batch rows
  // Register amplitude checks: (register, index within a row, imaginary?) for all samples.
  struct Probe {
    size_t reg, index;
    bool imag;
    std::vector<double> d;  // one value per sample
  };
  std::vector<Probe> registers;
};

// Central differences of the problem's loss with respect to every shared parameter, every
// per-sample angle, and `register_probes` random register amplitudes (real and imaginary parts).
template <typename T>
FiniteDifferences finite_differences(Rng& rng, const Problem& p,
                                     std::shared_ptr<const sim::Program> prog, sim::SimOptions opt,
                                     size_t register_probes, double h = 1e-3) {
  // The differences need many tiny runs: one thread (no OpenMP team wake-ups); thread-count
  // invariance is tested on its own.
  opt.threads = 1;
  LossFn<T> loss(p, std::move(prog), opt);
  FiniteDifferences fd;
  for (size_t i = 0; i < p.theta.size(); ++i) {
    const auto d = central_difference(
        [&](double s) {
          auto th = p.theta;
          th[i] += s;
          return std::vector<double>{sum(loss(th, p.sample, p.amplitudes))};
        },
        h);
    fd.theta.push_back(d[0]);
  }
  // A per-sample angle only moves its own sample's loss: shift slot j in every row at once.
  const size_t sp = p.sp();
  fd.sample.assign(p.sample.size(), 0.0);
  for (size_t j = 0; j < sp; ++j) {
    const auto d = central_difference(
        [&](double s) {
          auto x = p.sample;
          for (size_t b = 0; b < p.batch; ++b) x[b * sp + j] += s;
          return loss(p.theta, x, p.amplitudes);
        },
        h);
    for (size_t b = 0; b < p.batch; ++b) fd.sample[b * sp + j] = d[b];
  }
  for (size_t t = 0; t < register_probes; ++t) {
    const size_t m = rng.below(p.registers.size());
    const size_t i = rng.below(size_t{1} << p.registers[m]);
    for (bool imag : {false, true}) {
      const auto d = central_difference(
          [&](double s) {
            auto amps = p.amplitudes;
            for (size_t b = 0; b < p.batch; ++b)
              amps[m][(b << p.registers[m]) + i] += imag ? cplx(0, s) : cplx(s, 0);
            return loss(p.theta, p.sample, amps);
          },
          h);
      fd.registers.push_back({m, i, imag, d});
    }
  }
  return fd;
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

struct Diff {
  double norm_rel = 0;  // ||got - want|| / ||want|| (absolute when want is 0)
  double max_rel = 0;   // max |got - want| / |want| over entries with |want| > floor
  double max_abs = 0;
  size_t worst = 0;  // index of max_rel
};

inline Diff compare(const std::vector<double>& got, const std::vector<double>& want,
                    double floor = 1e-5) {
  EXPECT_EQ(got.size(), want.size());
  Diff d;
  double num = 0, den = 0;
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    const double e = std::abs(got[i] - want[i]);
    num += e * e;
    den += want[i] * want[i];
    d.max_abs = std::max(d.max_abs, e);
    if (std::abs(want[i]) > floor && e / std::abs(want[i]) > d.max_rel) {
      d.max_rel = e / std::abs(want[i]);
      d.worst = i;
    }
  }
  d.norm_rel = den > 0 ? std::sqrt(num / den) : std::sqrt(num);
  return d;
}

// Register gradients flattened to (re, im) pairs.
inline std::vector<double> flatten(const std::vector<std::vector<cplx>>& regs) {
  std::vector<double> v;
  for (const auto& r : regs)
    for (cplx x : r) v.push_back(x.real()), v.push_back(x.imag());
  return v;
}

inline double max_abs_diff(const std::vector<cplx>& a, const std::vector<cplx>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

inline double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// ---------------------------------------------------------------------------------------------
// Engine configurations: both ISAs (deduplicated when the CPU has no AVX2), batch sizes that
// exercise padding lanes, one and two threads.

struct Config {
  qmf::Isa isa;
  size_t batch;
  int threads;
  sim::LaneLayout layout = sim::LaneLayout::Auto;
  bool record = true;  // run_problem's forward keeps block inputs for the adjoint (where they fit)
  sim::SimOptions options() const { return {threads, isa, layout}; }
  std::string str() const {
    return std::string(qmf::isa_name(isa)) + " batch " + std::to_string(batch) + " threads " +
           std::to_string(threads) + " layout " + std::string(sim::lane_layout_name(layout)) +
           (record ? "" : " unrecorded");
  }
};

// Every kernel set this CPU runs: scalar, AVX2, AVX-512.
inline std::vector<qmf::Isa> isas() {
  std::vector<qmf::Isa> v;
  for (qmf::Isa isa : {qmf::Isa::Scalar, qmf::Isa::Avx2, qmf::Isa::Avx512})
    if (qmf::cpu_runs(isa)) v.push_back(isa);
  return v;
}

// Every ISA at batch sizes below, at and above a pack (padding lanes) on one and two threads,
// in the layout the simulator chooses, with the forward recording block inputs and without; and
// each wide ISA in both lane layouts forced, so that amplitude lanes also run with several
// chunks and sample lanes with a lone sample.
inline std::vector<Config> all_configs() {
  std::vector<Config> v;
  for (qmf::Isa isa : isas()) {
    for (size_t batch : {size_t{1}, size_t{3}, size_t{4}, size_t{9}})
      for (int threads : {1, 2}) v.push_back({isa, batch, threads});
    for (size_t batch : {size_t{1}, size_t{9}})
      v.push_back({isa, batch, 2, sim::LaneLayout::Auto, false});
    if (isa == qmf::Isa::Scalar) continue;
    for (int threads : {1, 2}) {
      v.push_back({isa, 1, threads, sim::LaneLayout::Samples});
      v.push_back({isa, 9, threads, sim::LaneLayout::Amplitudes});
    }
  }
  return v;
}

}  // namespace qmf::testing
