#include "model/evidential.h"

#include <bit>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "model/quantum_head.h"
#include "model/readout.h"

namespace qmf::model {
namespace {

void check_sizes(int classes, int sources) {
  if (classes < 2)
    throw UsageError(
        fmt::format("data.classes: evidential fusion needs at least 2 classes; got {}", classes));
  if (classes > kMaxEvidentialClasses)
    throw UsageError(fmt::format(
        "model.fusion: evidential fusion needs at most {} classes (3C qubits for M = 2); got {} "
        "— set data.classes",
        kMaxEvidentialClasses, classes));
  if (sources < 2)
    throw UsageError(fmt::format(
        "model.fusion: evidential fusion combines at least 2 modalities; got {} — use a view with "
        "two or more modalities (data.view, data.modalities)",
        sources));
  const int qubits = (2 * sources - 1) * classes;
  if (qubits > kMaxEvidentialQubits)
    throw UsageError(fmt::format(
        "model.fusion: evidential fusion of {} modalities on {} classes needs (2M - 1) C = {} "
        "qubits, more than {} — use fewer classes (data.classes) or modalities (data.modalities)",
        sources, classes, qubits, kMaxEvidentialQubits));
}

bool in_set(nn::Index subset, int c) { return ((subset >> c) & 1) != 0; }
double set_size(nn::Index subset) { return std::popcount(static_cast<size_t>(subset)); }

// Toffolis ANDing register a and register b (first qubits) into register out, class by class.
void add_and(sim::Circuit& c, int classes, int a, int b, int out) {
  for (int j = 0; j < classes; ++j) {
    const int q = class_qubit(classes, j);
    c.add(sim::GateKind::Toffoli, {a + q, b + q, out + q});
  }
}

template <typename T>
class Evidential final : public Model {
 public:
  explicit Evidential(const QmfnnSpec& spec)
      : spec_(spec),
        circuit_(build_evidential_circuit(spec.classes, static_cast<int>(spec.dims.size()))),
        head_(make_ffns(arena_, spec_),
              {.encoding = Encoding::belief,
               .k = spec_.settings.k,
               .ancilla_qubits = circuit_.registers.back(),
               .readout = circuit_.readout,
               .threads = spec.threads,
               .noise = spec.noise,
               .shots = spec.shots,
               .shot_seed = spec.shot_seed,
               .trajectories = spec.trajectories},
              circuit_.circuit) {}

  void init_layers(Rng& rng) override { head_.init(rng); }
  void place_model_draws(uint64_t first_stream) override { head_.place_draws(first_stream); }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    // The Toffolis have no angles. The readout's gradient is kept for backward(): it costs
    // next to nothing beside the circuit.
    return evidential_readout(head_.forward(x, {}, pass() == Pass::train), y, probs, &dmarginal_,
                              prob_floor(head_.layout().shots));
  }

  std::string kind() const override { return "qmfnn-evidential"; }
  int qubits() const override { return head_.program()->qubits(); }
  std::string describe_layers() const override {
    const int sources = circuit_.sources, classes = circuit_.classes;
    return fmt::format(
        "qmfnn-evidential: {} qubits; {} mass functions over the 2^{} subsets of {} classes "
        "(belief encoding, {} qubits each), {} Toffoli ANDs into {} ancilla qubits; "
        "Dempster's rule and the pignistic transform on qubits {}",
        qubits(), sources, classes, classes, classes, circuit_.circuit.gates().size(),
        (sources - 1) * classes, fmt::join(circuit_.readout, ","));
  }

 private:
  void add_gradients() override { head_.backward(dmarginal_, input_grads()); }

  QmfnnSpec spec_;
  EvidentialCircuit circuit_;
  QuantumHead<T> head_;
  nn::Matrix dmarginal_;  // per-batch workspace
};

}  // namespace

EvidentialCircuit build_evidential_circuit(int classes, int sources) {
  check_sizes(classes, sources);
  const int ancilla0 = sources * classes, qubits = (2 * sources - 1) * classes;
  EvidentialCircuit out{.classes = classes, .sources = sources, .circuit = sim::Circuit(qubits)};
  out.registers.assign(static_cast<size_t>(sources), classes);
  out.registers.push_back((sources - 1) * classes);
  add_and(out.circuit, classes, 0, classes, ancilla0);  // A_1 = R_1 & R_2
  for (int s = 2; s < sources; ++s)                     // A_s = A_{s-1} & R_{s+1}
    add_and(out.circuit, classes, ancilla0 + (s - 2) * classes, s * classes,
            ancilla0 + (s - 1) * classes);
  const int last = qubits - classes;
  for (int q = 0; q < classes; ++q) out.readout.push_back(last + q);
  return out;
}

void dempster_rows(const nn::Matrix& p, nn::Matrix& normalised) {
  normalised.resize(p.rows(), p.cols());
  for (nn::Index b = 0; b < p.rows(); ++b) {
    const double keep = p.row(b).tail(p.cols() - 1).sum();
    if (!(keep > 0))
      throw Error(
          fmt::format("evidential fusion: total conflict in sample {} (all combined mass "
                      "on the empty set), Dempster's rule is undefined",
                      b));
    normalised(b, 0) = 0;
    normalised.row(b).tail(p.cols() - 1) = p.row(b).tail(p.cols() - 1) / keep;
  }
}

double evidential_readout(const nn::Matrix& p, std::span<const int> y, nn::Matrix& probs,
                          nn::Matrix* dp, double floor) {
  const nn::Index batch = p.rows(), subsets = p.cols();
  QMF_CHECK(subsets >= 2 && std::has_single_bit(static_cast<size_t>(subsets)),
            "conjunctive masses have 2^C columns, got {}", subsets);
  const int classes = std::countr_zero(static_cast<size_t>(subsets));
  QMF_CHECK(y.size() == static_cast<size_t>(batch), "{} labels for {} samples", y.size(), batch);
  nn::Matrix m;
  dempster_rows(p, m);
  probs.setZero(batch, classes);
  for (nn::Index b = 0; b < batch; ++b)
    for (nn::Index h = 1; h < subsets; ++h)
      for (int c = 0; c < classes; ++c)
        if (in_set(h, c)) probs(b, c) += m(b, h) / set_size(h);
  double loss = 0;
  for (nn::Index b = 0; b < batch; ++b) {
    QMF_CHECK(y[b] >= 0 && y[b] < classes, "label {} outside [0, {})", y[b], classes);
    loss -= std::log(probs(b, y[b]) + floor);
  }
  if (!dp) return loss / static_cast<double>(batch);
  // BetP(y) = sum_{H ∋ y} P(H)/|H| / Z with Z = sum_{H != empty} P(H), so for H != empty
  //   dBetP(y)/dP(H) = ([y in H]/|H| - BetP(y)) / Z;   the conflict P(empty) does not enter.
  dp->setZero(batch, subsets);
  for (nn::Index b = 0; b < batch; ++b) {
    const double py = probs(b, y[b]), z = p.row(b).tail(subsets - 1).sum();
    const double dloss_dpy = -1.0 / (static_cast<double>(batch) * (py + floor));
    for (nn::Index h = 1; h < subsets; ++h) {
      const double share = in_set(h, y[b]) ? 1.0 / set_size(h) : 0.0;
      (*dp)(b, h) = dloss_dpy * (share - py) / z;
    }
  }
  return loss / static_cast<double>(batch);
}

std::unique_ptr<Model> make_evidential(const QmfnnSpec& spec) {
  check_sizes(spec.classes, static_cast<int>(spec.dims.size()));
  QmfnnSpec s = spec;
  s.settings.encoding = Encoding::belief;
  s.settings.k.assign(spec.dims.size(), spec.classes);
  if (s.precision == Precision::f32) return std::make_unique<Evidential<float>>(s);
  return std::make_unique<Evidential<double>>(s);
}

}  // namespace qmf::model
