#include "model/quantum_head.h"

#include "core/error.h"
#include "model/encoding.h"
#include "model/qmf_circuit.h"
#include "noise/readout_error.h"
#include "noise/shots.h"

namespace qmf::model {

sim::ProductInput product_input(const std::vector<int>& qubits, const RegisterStates& states) {
  QMF_CHECK(states.size() == qubits.size(), "{} register states for {} registers", states.size(),
            qubits.size());
  sim::ProductInput in{.qubits = qubits, .amplitudes = {}};
  for (const auto& s : states) in.amplitudes.emplace_back(s);
  return in;
}

template <typename T>
QuantumHead<T>::QuantumHead(std::vector<std::unique_ptr<nn::Mlp>> ffns, QuantumHeadLayout layout,
                            const sim::Circuit& circuit)
    : ffns_(std::move(ffns)),
      layout_(std::move(layout)),
      register_qubits_(layout_.k),
      program_(std::make_shared<const sim::Program>(circuit)),
      sim_(program_, {layout_.threads}) {
  QMF_CHECK(ffns_.size() == layout_.k.size(), "{} FFNs for {} registers", ffns_.size(),
            layout_.k.size());
  if (layout_.ancilla_qubits > 0) register_qubits_.push_back(layout_.ancilla_qubits);
  if (!noise::needs_density_matrix(layout_.noise)) return;
  if (layout_.trajectories > 0)
    trajectories_ = std::make_unique<noise::TrajectorySimulator<T>>(
        circuit, layout_.noise, layout_.trajectories, layout_.shot_seed,
        sim::SimOptions{layout_.threads});
  else
    density_ = std::make_unique<noise::DensitySimulator<T>>(circuit, layout_.noise,
                                                            sim::SimOptions{layout_.threads});
}

template <typename T>
void QuantumHead<T>::init(Rng& rng) {
  for (auto& f : ffns_) f->init(rng);
}

template <typename T>
void QuantumHead<T>::encode(const std::vector<nn::Matrix>& x) {
  const size_t batch = static_cast<size_t>(x.front().rows()), regs = ffns_.size();
  const std::vector<int>& k = layout_.k;
  registers_.resize(register_qubits_.size());
  h_.resize(regs);
  for (size_t m = 0; m < regs; ++m) h_[m] = ffns_[m]->forward(x[m]);
  if (layout_.encoding != Encoding::angle) {
    angles_.clear();
    for (size_t m = 0; m < regs; ++m) model::encode(layout_.encoding, h_[m], registers_[m]);
  } else {
    // Angle encoding: registers start in |0...0>, the features become RY angles.
    const size_t n = static_cast<size_t>(program_->qubits());
    const std::vector<int> starts = register_starts(k);
    angles_.resize(batch * n);
    for (size_t m = 0; m < regs; ++m) {
      registers_[m].assign(batch << k[m], 0.0);
      for (size_t b = 0; b < batch; ++b) {
        registers_[m][b << k[m]] = 1.0;
        for (int j = 0; j < k[m]; ++j) angles_[b * n + starts[m] + j] = h_[m](b, j);
      }
    }
  }
  if (layout_.ancilla_qubits == 0) return;
  // Ancillas in |0...0> per sample: rewritten only when the batch size changes.
  const int a = layout_.ancilla_qubits;
  auto& ancillas = registers_.back();
  if (ancillas.size() != batch << a) {
    ancillas.assign(batch << a, 0.0);
    for (size_t b = 0; b < batch; ++b) ancillas[b << a] = 1.0;
  }
}

template <typename T>
const nn::Matrix& QuantumHead<T>::forward(const std::vector<nn::Matrix>& x,
                                          std::span<const double> theta, bool for_backward) {
  const size_t batch = static_cast<size_t>(x.front().rows());
  const size_t outcomes = size_t{1} << layout_.readout.size();
  encode(x);
  marginal_.resize(static_cast<nn::Index>(batch), static_cast<nn::Index>(outcomes));
  const std::span<double> p{marginal_.data(), static_cast<size_t>(marginal_.size())};
  const sim::ProductInput input = product_input(register_qubits_, registers_);
  // With shots, the gradient comes from shifted circuits, not from this run's states.
  const bool adjoint_follows = for_backward && layout_.shots == 0;
  if (trajectories_) {
    QMF_CHECK(!for_backward, "trajectories give no gradients");
    trajectories_->run(input, theta, angles_, layout_.readout, next_stream_, p);
  } else if (density_) {
    density_->forward(input, theta, angles_);
    density_->marginal(layout_.readout, p);
  } else {
    if (!state_ || state_->batch() != batch)
      state_ = std::make_unique<sim::BatchState<T>>(sim_.make_state(batch));
    sim_.forward(input, theta, angles_, *state_, adjoint_follows);
    sim_.marginal(*state_, layout_.readout, p);
  }
  noise::apply_readout_error(layout_.noise.readout, p, outcomes);
  if (layout_.shots > 0) {
    noise::sample_shots(p, outcomes, layout_.shots, layout_.shot_seed, next_stream_,
                        layout_.threads);
    theta_.assign(theta.begin(), theta.end());
    trained_from_ = next_stream_;
  }
  next_stream_ += batch;
  return marginal_;
}

template <typename T>
std::span<const double> QuantumHead<T>::backward(const nn::Matrix& dmarginal,
                                                 const std::vector<nn::Matrix*>& dx) {
  dmarginal_ = dmarginal;
  const std::span<double> dp{dmarginal_.data(), static_cast<size_t>(dmarginal_.size())};
  const sim::ProductInput input = product_input(register_qubits_, registers_);
  if (layout_.shots > 0) {
    if (!shot_gradient_)
      shot_gradient_ = std::make_unique<noise::ShotGradient<T>>(program_->circuit(), layout_.noise,
                                                                layout_.readout, layout_.shots,
                                                                layout_.shot_seed, layout_.threads);
    // The shifted circuits are read as the forward's was, readout error included.
    shot_gradient_->run(input, prepared_qubits().size(), theta_, angles_, dp, trained_from_,
                        grads_);
  } else {
    noise::readout_error_backward(layout_.noise.readout, dp, size_t{1} << layout_.readout.size());
    if (density_)
      density_->adjoint(input, layout_.readout, dp, grads_);
    else
      adjoint_.run(sim_, *state_, input, layout_.readout, dp, grads_);
  }
  const std::vector<int>& k = layout_.k;
  const size_t n = static_cast<size_t>(program_->qubits());
  const std::vector<int> starts = register_starts(k);
  for (size_t m = 0; m < ffns_.size(); ++m) {
    if (layout_.encoding == Encoding::angle) {
      dh_.resize(h_[m].rows(), k[m]);
      for (nn::Index b = 0; b < dh_.rows(); ++b)
        for (int j = 0; j < k[m]; ++j) dh_(b, j) = grads_.sample[b * n + starts[m] + j];
    } else {
      encode_backward(layout_.encoding, h_[m], registers_[m], grads_.registers[m], dh_);
    }
    ffns_[m]->backward(dh_, m < dx.size() ? dx[m] : nullptr);
  }
  return grads_.theta;
}

template class QuantumHead<double>;
template class QuantumHead<float>;

}  // namespace qmf::model
