#include "model/qmfnn.h"

#include <fmt/format.h>

#include "core/error.h"
#include "grad/adjoint.h"
#include "model/baseline_parts.h"
#include "model/encoding.h"
#include "model/qmfnn_probe.h"
#include "model/readout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/mlp.h"
#include "sim/measure.h"
#include "sim/simulator.h"

namespace qmf::model {
namespace {

template <typename T>
class Qmfnn final : public Model, public QmfnnProbe {
 public:
  explicit Qmfnn(const QmfnnSpec& spec)
      : spec_(spec), circuit_(build_qmf_circuit(circuit_spec(spec))),
        program_(std::make_shared<const sim::Program>(circuit_.circuit)),
        sim_(program_, {spec.threads}) {
    ffn_ = make_ffns(arena_, spec);
    circuit_offset_ = arena_.add("circuit", program_->circuit().shared_params(),
                                 nn::ParamKind::Quantum);
    if (spec.readout == Readout::expval)
      head_ = std::make_unique<nn::Linear>(arena_, "readout",
                                           static_cast<nn::Index>(circuit_.readout.size()),
                                           spec.classes);
  }

  void init(Rng& rng) override {
    for (auto& f : ffn_) f->init(rng);
    for (double& a : arena_.values(circuit_offset_, program_->circuit().shared_params()))
      a = rng.uniform(-M_PI, M_PI);
    if (head_) head_->init(rng);
  }

  double run(const std::vector<nn::Matrix>& x, std::span<const int> y, bool train,
             nn::Matrix& probs) override {
    const size_t batch = static_cast<size_t>(x.front().rows());
    encode_inputs(x);
    const auto theta = arena_.values(circuit_offset_, program_->circuit().shared_params());
    if (!state_ || state_->batch() != batch)
      state_ = std::make_unique<sim::BatchState<T>>(sim_.make_state(batch));
    sim_.forward(input(), theta, angles_, *state_);
    marginal_.resize(static_cast<nn::Index>(batch), nn::Index{1} << circuit_.readout.size());
    sim_.marginal(*state_, circuit_.readout, {marginal_.data(), static_cast<size_t>(marginal_.size())});
    const double loss = readout(y, train, probs);
    if (train) backward();
    return loss;
  }

  const QmfnnSpec& spec() const override { return spec_; }
  const QmfCircuit& qmf_circuit() const override { return circuit_; }
  std::span<const double> angles() const override {
    return arena_.values(circuit_offset_, program_->circuit().shared_params());
  }

  std::vector<nn::Matrix> features(const std::vector<nn::Matrix>& x) override {
    encode_inputs(x);
    return h_;
  }

  Registers registers(const std::vector<nn::Matrix>& x) override {
    encode_inputs(x);
    if (spec_.encoding != Encoding::angle) return registers_;
    Registers out(ffn_.size());
    for (size_t m = 0; m < ffn_.size(); ++m) out[m] = ry_product_states(h_[m], spec_.k[m]);
    return out;
  }

  void run_from(const Registers& registers, nn::Matrix& marginal, nn::Matrix& probs) override {
    const sim::BatchState<T> state = probe_state(registers, Stage::circuit);
    const size_t batch = state.batch();
    Probe& probe = probe_for(Stage::circuit);
    marginal.resize(static_cast<nn::Index>(batch), nn::Index{1} << circuit_.readout.size());
    probe.sim.marginal(state, circuit_.readout, {marginal.data(), static_cast<size_t>(marginal.size())});
    readout_probs(marginal, probs);
  }

  void readout_probs(const nn::Matrix& marginal, nn::Matrix& probs) override {
    if (spec_.readout == Readout::probs) {
      // No loss is wanted, only the probabilities.
      const std::vector<int> unused(static_cast<size_t>(marginal.rows()), 0);
      probs_readout(marginal, unused, spec_.classes, probs, nullptr);
      return;
    }
    nn::Matrix z, logits;
    z_from_marginal(marginal, z);
    head_->forward(z, logits);
    nn::softmax(logits, probs);
  }

  nn::Matrix register_entropies(const Registers& registers, Stage stage) override {
    const sim::BatchState<T> state = probe_state(registers, stage);
    const auto& k = spec_.k;
    nn::Matrix s(static_cast<nn::Index>(state.batch()), static_cast<nn::Index>(k.size()));
    for (size_t b = 0; b < state.batch(); ++b) {
      const auto row = static_cast<nn::Index>(b);
      // Two registers are the two sides of one cut: one entropy serves both.
      if (k.size() == 2) {
        s(row, 0) = s(row, 1) = sim::register_entropy(state, b, 0, k[0]);
        continue;
      }
      for (int m = 0, first = 0; m < static_cast<int>(k.size()); first += k[m], ++m)
        s(row, m) = sim::register_entropy(state, b, first, k[m]);
    }
    return s;
  }

  std::string kind() const override { return "qmfnn"; }
  int qubits() const override { return program_->qubits(); }
  std::string describe() const override {
    const std::string qcnn =
        spec_.qcnn ? fmt::format("QCNN {}", fmt::join(circuit_.schedule, " ")) : "no QCNN";
    return fmt::format("qmfnn: {} qubits (k = {}), {} fusion layer(s){}, {}, readout on qubits "
                       "{}, {} fused blocks",
                       program_->qubits(), fmt::join(spec_.k, ","), spec_.fusion_layers,
                       spec_.entangle ? "" : " without entanglers", qcnn,
                       fmt::join(circuit_.readout, ","), program_->blocks().size());
  }

 private:
  sim::ProductInput input() const {
    sim::ProductInput in;
    for (size_t m = 0; m < ffn_.size(); ++m) {
      in.qubits.push_back(spec_.k[m]);
      in.amplitudes.emplace_back(registers_[m]);
    }
    return in;
  }

  void encode_inputs(const std::vector<nn::Matrix>& x) {
    const size_t batch = static_cast<size_t>(x.front().rows()), regs = ffn_.size();
    registers_.resize(regs);
    h_.resize(regs);
    for (size_t m = 0; m < regs; ++m) h_[m] = ffn_[m]->forward(x[m]);
    if (spec_.encoding != Encoding::angle) {
      angles_.clear();
      for (size_t m = 0; m < regs; ++m) encode(spec_.encoding, h_[m], registers_[m]);
      return;
    }
    // Angle encoding: registers start in |0...0>, the features become RY angles.
    const size_t n = static_cast<size_t>(program_->qubits());
    angles_.resize(batch * n);
    for (size_t m = 0, q0 = 0; m < regs; q0 += spec_.k[m], ++m) {
      registers_[m].assign(batch << spec_.k[m], 0.0);
      for (size_t b = 0; b < batch; ++b) {
        registers_[m][b << spec_.k[m]] = 1.0;
        for (int j = 0; j < spec_.k[m]; ++j) angles_[b * n + q0 + j] = h_[m](b, j);
      }
    }
  }

  double readout(std::span<const int> y, bool train, nn::Matrix& probs) {
    if (spec_.readout == Readout::probs)
      return probs_readout(marginal_, y, spec_.classes, probs, train ? &dmarginal_ : nullptr);
    z_from_marginal(marginal_, z_);
    head_->forward(z_, logits_);
    const double loss = nn::softmax_cross_entropy(logits_, y, dlogits_);
    nn::softmax(logits_, probs);
    if (train) {
      head_->backward(z_, dlogits_, &dz_);
      dmarginal_.resize(marginal_.rows(), marginal_.cols());
      z_backward(dz_, dmarginal_);
    }
    return loss;
  }

  void backward() {
    const size_t regs = ffn_.size();
    adjoint_.run(sim_, *state_, input(), circuit_.readout,
                  {dmarginal_.data(), static_cast<size_t>(dmarginal_.size())}, grads_);
    auto g = arena_.grads(circuit_offset_, grads_.theta.size());
    for (size_t i = 0; i < g.size(); ++i) g[i] += grads_.theta[i];
    const size_t n = static_cast<size_t>(program_->qubits());
    for (size_t m = 0, q0 = 0; m < regs; q0 += spec_.k[m], ++m) {
      if (spec_.encoding == Encoding::angle) {
        dh_.resize(h_[m].rows(), spec_.k[m]);
        for (nn::Index b = 0; b < dh_.rows(); ++b)
          for (int j = 0; j < spec_.k[m]; ++j) dh_(b, j) = grads_.sample[b * n + q0 + j];
      } else {
        encode_backward(spec_.encoding, h_[m], registers_[m], grads_.registers[m], dh_);
      }
      ffn_[m]->backward(dh_, nullptr);
    }
  }

  // The circuit after the encoding gates, up to the end of the fusion block or to its end, for
  // the probe: built on first use.
  struct Probe {
    std::shared_ptr<const sim::Program> program;
    sim::Simulator<T> sim;
  };

  Probe& probe_for(Stage stage) {
    std::unique_ptr<Probe>& p = stage == Stage::fusion ? fusion_probe_ : circuit_probe_;
    if (!p) {
      const size_t last = stage == Stage::fusion ? circuit_.fusion_end : circuit_.circuit.gates().size();
      auto program = std::make_shared<const sim::Program>(
          gate_range(circuit_.circuit, circuit_.encoding_gates, last));
      p = std::make_unique<Probe>(Probe{program, sim::Simulator<T>(program, {spec_.threads})});
    }
    return *p;
  }

  sim::BatchState<T> probe_state(const Registers& registers, Stage stage) {
    Probe& probe = probe_for(stage);
    QMF_CHECK(registers.size() == ffn_.size(), "{} registers for {} modalities", registers.size(),
              ffn_.size());
    const size_t batch = registers[0].size() >> spec_.k[0];
    sim::ProductInput in;
    for (size_t m = 0; m < ffn_.size(); ++m) {
      in.qubits.push_back(spec_.k[m]);
      in.amplitudes.emplace_back(registers[m]);
    }
    sim::BatchState<T> state = probe.sim.make_state(batch);
    const auto theta = angles().first(probe.program->circuit().shared_params());
    probe.sim.forward(in, theta, {}, state);
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
  std::shared_ptr<const sim::Program> program_;
  sim::Simulator<T> sim_;
  std::vector<std::unique_ptr<nn::Mlp>> ffn_;
  std::unique_ptr<nn::Linear> head_;
  size_t circuit_offset_ = 0;
  // Per-batch workspaces, reused across batches.
  std::unique_ptr<sim::BatchState<T>> state_;
  std::vector<nn::Matrix> h_;
  std::vector<std::vector<cplx>> registers_;
  std::vector<double> angles_;
  nn::Matrix marginal_, dmarginal_, z_, dz_, logits_, dlogits_, dh_;
  grad::Adjoint<T> adjoint_;
  grad::Gradients grads_;
  std::unique_ptr<Probe> fusion_probe_, circuit_probe_;
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

CircuitSpec circuit_spec(const QmfnnSpec& s) {
  return {.k = s.k,
          .classes = s.classes,
          .fusion_layers = s.fusion_layers,
          .entangle = s.entangle,
          .qcnn = s.qcnn,
          .conv = s.conv_block,
          .share = s.qcnn_share,
          .angle_encoding = s.encoding == Encoding::angle};
}

int register_width(const QmfnnSpec& s, size_t m) {
  return s.encoding == Encoding::angle ? s.k[m] : 1 << s.k[m];
}

std::vector<std::unique_ptr<nn::Mlp>> make_ffns(nn::ParameterArena& arena, const QmfnnSpec& s) {
  if (s.k.size() != s.dims.size())
    throw UsageError(fmt::format("model.k: {} registers for {} modalities", s.k.size(), s.dims.size()));
  const auto act = s.ffn_activation == Activation::tanh ? nn::Activation::Tanh : nn::Activation::Relu;
  std::vector<std::unique_ptr<nn::Mlp>> ffns;
  for (size_t m = 0; m < s.dims.size(); ++m) {
    ffns.push_back(std::make_unique<nn::Mlp>(
        arena, fmt::format("ffn{}", m + 1), mlp_sizes(s.dims[m], s.ffn_hidden, register_width(s, m)), act));
  }
  return ffns;
}

std::unique_ptr<Model> make_qmfnn(const QmfnnSpec& spec) {
  if (spec.encoding != Encoding::angle)
    for (size_t m = 0; m < spec.k.size(); ++m)
      if (spec.k[m] > 12) throw UsageError(fmt::format("model.k: {} qubits per register is more than 12", spec.k[m]));
  if (spec.precision == Precision::f32) return std::make_unique<Qmfnn<float>>(spec);
  return std::make_unique<Qmfnn<double>>(spec);
}

}  // namespace qmf::model
