#include "model/qmfnn.h"

#include <fmt/format.h>

#include "core/error.h"
#include "model/baseline_parts.h"
#include "model/encoding.h"
#include "model/qmfnn_probe.h"
#include "model/quantum_head.h"
#include "model/readout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/mlp.h"
#include "noise/density.h"
#include "noise/readout_error.h"
#include "noise/shot_gradient.h"
#include "noise/shots.h"
#include "sim/measure.h"
#include "sim/simulator.h"

namespace qmf::model {
namespace {

template <typename T>
class Qmfnn final : public Model, public QmfnnProbe {
 public:
  explicit Qmfnn(const QmfnnSpec& spec)
      : spec_(spec),
        circuit_(build_qmf_circuit(spec.settings, spec.classes)),
        head_(make_ffns(arena_, spec),
              {.encoding = spec.settings.encoding,
               .k = spec.settings.k,
               .readout = circuit_.readout,
               .threads = spec.threads,
               .noise = spec.noise,
               .shots = spec.shots,
               .shot_seed = spec.shot_seed,
               .trajectories = spec.trajectories},
              circuit_.circuit) {
    circuit_offset_ = arena_.add("circuit", shared_params(), nn::ParamKind::Quantum);
    if (spec.settings.readout == Readout::expval)
      expval_layer_ = std::make_unique<nn::Linear>(
          arena_, "readout", static_cast<nn::Index>(circuit_.readout.size()), spec.classes);
  }

  void init_layers(Rng& rng) override {
    head_.init(rng);
    for (double& a : arena_.values(circuit_offset_, shared_params())) a = rng.uniform(-M_PI, M_PI);
    if (expval_layer_) expval_layer_->init(rng);
  }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    const nn::Matrix& marginal = head_.forward(x, angles(), pass() == Pass::train);
    // Each readout's loss gradient costs next to nothing beside the circuit: it is kept now,
    // from the same values, for backward().
    if (spec_.settings.readout == Readout::probs)
      return probs_readout(marginal, y, spec_.classes, probs, &dmarginal_, prob_floor(spec_.shots));
    z_from_marginal(marginal, z_);
    expval_layer_->forward(z_, logits_);
    const double loss = nn::softmax_cross_entropy(logits_, y, dlogits_);
    nn::softmax(logits_, probs);
    return loss;
  }

  QmfnnProbe* probe() override { return this; }
  void place_model_draws(uint64_t first_stream) override { head_.place_draws(first_stream); }

  const QmfnnSpec& spec() const override { return spec_; }
  const QmfCircuit& qmf_circuit() const override { return circuit_; }
  std::span<const double> angles() const override {
    return arena_.values(circuit_offset_, shared_params());
  }

  std::vector<nn::Matrix> features(const std::vector<nn::Matrix>& x) override {
    head_.encode(through_front_ends(x, Pass::evaluate));
    return head_.features();
  }

  Registers registers(const std::vector<nn::Matrix>& x) override {
    head_.encode(through_front_ends(x, Pass::evaluate));
    if (spec_.settings.encoding != Encoding::angle) return head_.registers();
    Registers out(spec_.settings.k.size());
    for (size_t m = 0; m < out.size(); ++m)
      out[m] = ry_product_states(head_.features()[m], spec_.settings.k[m]);
    return out;
  }

  void run_from(const Registers& registers, nn::Matrix& marginal, nn::Matrix& probs) override {
    Probe& probe = probe_for(Stage::circuit);
    const size_t batch = registers.at(0).size() >> spec_.settings.k[0];
    const size_t outcomes = size_t{1} << circuit_.readout.size();
    marginal.resize(static_cast<nn::Index>(batch), static_cast<nn::Index>(outcomes));
    const std::span<double> p{marginal.data(), static_cast<size_t>(marginal.size())};
    if (probe.trajectories) {
      const auto theta = angles().first(probe.program->circuit().shared_params());
      probe.trajectories->run(product_input(spec_.settings.k, registers), theta, {},
                              circuit_.readout, probe_rows_, p);
    } else if (probe.density) {
      run_density(probe, registers);
      probe.density->marginal(circuit_.readout, p);
    } else {
      probe.sim.marginal(probe_state(registers, Stage::circuit), circuit_.readout, p);
    }
    // What a device would read: its readout error, then a finite number of shots.
    noise::apply_readout_error(spec_.noise.readout, p, outcomes);
    if (spec_.shots > 0)
      noise::sample_shots(p, outcomes, spec_.shots, spec_.shot_seed, probe_rows_, spec_.threads);
    probe_rows_ += batch;
    readout_probs(marginal, probs);
  }

  void readout_probs(const nn::Matrix& marginal, nn::Matrix& probs) override {
    if (spec_.settings.readout == Readout::probs) {
      // No loss is wanted, only the probabilities.
      const std::vector<int> unused(static_cast<size_t>(marginal.rows()), 0);
      probs_readout(marginal, unused, spec_.classes, probs, nullptr);
      return;
    }
    nn::Matrix z, logits;
    z_from_marginal(marginal, z);
    expval_layer_->forward(z, logits);
    nn::softmax(logits, probs);
  }

  nn::Matrix register_entropies(const Registers& registers, Stage stage) override {
    const Probe& probe = probe_for(stage);
    if (probe.density || probe.trajectories) return mixed_register_entropies(registers, stage);
    const sim::BatchState<T> state = probe_state(registers, stage);
    const auto& k = spec_.settings.k;
    const std::vector<int> starts = register_starts(k);
    nn::Matrix s(static_cast<nn::Index>(state.batch()), static_cast<nn::Index>(k.size()));
    for (size_t b = 0; b < state.batch(); ++b) {
      const auto row = static_cast<nn::Index>(b);
      // Two registers are the two sides of one cut: one entropy serves both.
      if (k.size() == 2) {
        s(row, 0) = s(row, 1) = sim::register_entropy(state, b, 0, k[0]);
        continue;
      }
      for (size_t m = 0; m < k.size(); ++m)
        s(row, static_cast<nn::Index>(m)) = sim::register_entropy(state, b, starts[m], k[m]);
    }
    return s;
  }

  std::string kind() const override { return "qmfnn"; }
  int qubits() const override { return head_.program()->qubits(); }
  std::string describe_layers() const override {
    const QmfnnSettings& s = spec_.settings;
    const std::string qcnn =
        s.qcnn ? fmt::format("QCNN {}", fmt::join(circuit_.schedule, " ")) : "no QCNN";
    std::string text = fmt::format(
        "qmfnn: {} qubits (k = {}), {} fusion layer(s){}, {}, readout on qubits "
        "{}, {} fused blocks",
        qubits(), fmt::join(s.k, ","), s.fusion_layers, s.entangle ? "" : " without entanglers",
        qcnn, fmt::join(circuit_.readout, ","), head_.program()->blocks().size());
    // Training on shots is slow by design; say how slow before the first step.
    if (spec_.shots > 0) {
      text += fmt::format(", gradients from {}-shot estimates: {} circuits a step", spec_.shots,
                          noise::shot_gradient_circuits(circuit_.circuit, head_.prepared_qubits()));
    }
    return text;
  }

 private:
  size_t shared_params() const { return circuit_.circuit.shared_params(); }

  void add_gradients() override {
    if (expval_layer_) {
      expval_layer_->backward(z_, dlogits_, &dz_);
      dmarginal_.resize(z_.rows(), nn::Index{1} << circuit_.readout.size());
      z_backward(dz_, dmarginal_);
    }
    const std::span<const double> dtheta = head_.backward(dmarginal_, input_grads());
    auto g = arena_.grads(circuit_offset_, dtheta.size());
    for (size_t i = 0; i < g.size(); ++i) g[i] += dtheta[i];
  }

  // A noisy state is mixed: each register's entropy is that of its own reduced state, no longer
  // one number per cut, and it counts the noise's mixing as well as the entanglement.
  nn::Matrix mixed_register_entropies(const Registers& registers, Stage stage) {
    const std::vector<std::vector<sim::MatrixC>> states = register_states(registers, stage);
    nn::Matrix s(static_cast<nn::Index>(states[0].size()), static_cast<nn::Index>(states.size()));
    for (size_t m = 0; m < states.size(); ++m)
      for (size_t b = 0; b < states[m].size(); ++b)
        s(static_cast<nn::Index>(b), static_cast<nn::Index>(m)) =
            sim::von_neumann_entropy(states[m][b]);
    return s;
  }

  // Each register's reduced state, [m][b], from the density matrices or the trajectories.
  std::vector<std::vector<sim::MatrixC>> register_states(const Registers& registers, Stage stage) {
    Probe& probe = probe_for(stage);
    const auto& k = spec_.settings.k;
    const size_t batch = registers.at(0).size() >> k[0];
    std::vector<std::vector<sim::MatrixC>> states;
    if (probe.trajectories) {
      const auto theta = angles().first(probe.program->circuit().shared_params());
      std::vector<double> unused(batch << circuit_.readout.size());
      probe.trajectories->run(product_input(k, registers), theta, {}, circuit_.readout, probe_rows_,
                              unused, &states);
      return states;
    }
    run_density(probe, registers);
    const std::vector<int> starts = register_starts(k);
    states.assign(k.size(), std::vector<sim::MatrixC>(batch));
    for (size_t b = 0; b < batch; ++b) {
      const sim::MatrixC rho = probe.density->density_matrix(b);
      for (size_t m = 0; m < k.size(); ++m)
        states[m][b] = noise::partial_trace(rho, qubits(), starts[m], k[m]);
    }
    return states;
  }

  // The circuit after the encoding gates, up to the end of the fusion block or to its end, for
  // the probe: built on first use, on density matrices when the noise model has channels.
  struct Probe {
    std::shared_ptr<const sim::Program> program;
    sim::Simulator<T> sim;
    std::unique_ptr<noise::DensitySimulator<T>> density;
    std::unique_ptr<noise::TrajectorySimulator<T>> trajectories;
  };

  void run_density(Probe& probe, const Registers& registers) {
    QMF_CHECK(registers.size() == spec_.settings.k.size(), "{} registers for {} modalities",
              registers.size(), spec_.settings.k.size());
    const auto theta = angles().first(probe.program->circuit().shared_params());
    probe.density->forward(product_input(spec_.settings.k, registers), theta, {});
  }

  Probe& probe_for(Stage stage) {
    std::unique_ptr<Probe>& p = stage == Stage::fusion ? fusion_probe_ : circuit_probe_;
    if (!p) {
      const size_t last =
          stage == Stage::fusion ? circuit_.fusion_end : circuit_.circuit.gates().size();
      auto program = std::make_shared<const sim::Program>(
          gate_range(circuit_.circuit, circuit_.encoding_gates, last));
      p = std::make_unique<Probe>(
          Probe{program, sim::Simulator<T>(program, {spec_.threads}), {}, {}});
      const sim::SimOptions options{spec_.threads};
      if (noise::needs_density_matrix(spec_.noise) && spec_.trajectories > 0)
        p->trajectories = std::make_unique<noise::TrajectorySimulator<T>>(
            program->circuit(), spec_.noise, spec_.trajectories, spec_.shot_seed, options);
      else if (noise::needs_density_matrix(spec_.noise))
        p->density =
            std::make_unique<noise::DensitySimulator<T>>(program->circuit(), spec_.noise, options);
    }
    return *p;
  }

  sim::BatchState<T> probe_state(const Registers& registers, Stage stage) {
    Probe& probe = probe_for(stage);
    QMF_CHECK(registers.size() == spec_.settings.k.size(), "{} registers for {} modalities",
              registers.size(), spec_.settings.k.size());
    const size_t batch = registers[0].size() >> spec_.settings.k[0];
    sim::BatchState<T> state = probe.sim.make_state(batch);
    const auto theta = angles().first(probe.program->circuit().shared_params());
    probe.sim.forward(product_input(spec_.settings.k, registers), theta, {}, state);
    return state;
  }

  // prod_j RY(h_j)|0> over k qubits, qubit 0 the most significant: B rows of 2^k amplitudes.
  static std::vector<cplx> ry_product_states(const nn::Matrix& h, int k) {
    const size_t dim = size_t{1} << k;
    std::vector<cplx> out(static_cast<size_t>(h.rows()) * dim);
    for (nn::Index b = 0; b < h.rows(); ++b) {
      for (size_t i = 0; i < dim; ++i) {
        double a = 1;
        for (int j = 0; j < k; ++j) {
          const bool one = (i >> (k - 1 - j)) & 1;
          a *= one ? std::sin(h(b, j) / 2) : std::cos(h(b, j) / 2);
        }
        out[static_cast<size_t>(b) * dim + i] = a;
      }
    }
    return out;
  }

  QmfnnSpec spec_;
  QmfCircuit circuit_;
  QuantumHead<T> head_;
  std::unique_ptr<nn::Linear> expval_layer_;  // the expval readout's Linear(r -> C)
  size_t circuit_offset_ = 0;
  // Per-batch workspaces, reused across batches.
  nn::Matrix dmarginal_, z_, dz_, logits_, dlogits_;
  std::unique_ptr<Probe> fusion_probe_, circuit_probe_;
  uint64_t probe_rows_ = 0;  // the next shot stream of run_from
};

}  // namespace

sim::Circuit gate_range(const sim::Circuit& circuit, size_t first, size_t last) {
  QMF_CHECK(first <= last && last <= circuit.gates().size(), "gates [{}, {}) of {}", first, last,
            circuit.gates().size());
  sim::Circuit out(circuit.qubits());
  for (size_t g = first; g < last; ++g) {
    const sim::Gate& gate = circuit.gates()[g];
    QMF_CHECK(gate.kind != sim::GateKind::Unitary1 && gate.kind != sim::GateKind::Unitary2,
              "gate_range copies parametric gates only");
    out.add(gate.kind, gate.qubits, gate.angles);
  }
  return out;
}

int register_width(const QmfnnSpec& s, size_t m) {
  return s.settings.encoding == Encoding::angle ? s.settings.k[m] : 1 << s.settings.k[m];
}

std::vector<std::unique_ptr<nn::Mlp>> make_ffns(nn::ParameterArena& arena, const QmfnnSpec& s) {
  if (s.settings.k.size() != s.dims.size())
    throw UsageError(
        fmt::format("model.k: {} registers for {} modalities", s.settings.k.size(), s.dims.size()));
  std::vector<std::unique_ptr<nn::Mlp>> ffns;
  for (size_t m = 0; m < s.dims.size(); ++m) {
    ffns.push_back(
        std::make_unique<nn::Mlp>(arena, fmt::format("ffn{}", m + 1),
                                  mlp_sizes(s.dims[m], s.settings.ffn_hidden, register_width(s, m)),
                                  s.settings.ffn_activation));
  }
  return ffns;
}

std::unique_ptr<Model> make_qmfnn(const QmfnnSpec& spec) {
  if (spec.settings.encoding != Encoding::angle)
    for (size_t m = 0; m < spec.settings.k.size(); ++m)
      if (spec.settings.k[m] > 12)
        throw UsageError(
            fmt::format("model.k: {} qubits per register is more than 12", spec.settings.k[m]));
  if (spec.precision == Precision::f32) return std::make_unique<Qmfnn<float>>(spec);
  return std::make_unique<Qmfnn<double>>(spec);
}

}  // namespace qmf::model
