// Ablation: the QMFNN with its quantum part (encoding, fusion circuit, QCNN, readout) replaced
// by a classical head of about the same parameter count:
//   h_m = FFN_m(x_m) (the QMFNN's own FFNs) -> concat -> Linear(D -> w) -> tanh -> Linear(w -> C).
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "model/baseline_parts.h"
#include "model/baselines.h"
#include "model/qmf_circuit.h"
#include "nn/mlp.h"

namespace qmf::model {

int classical_head_width(size_t features, int classes, size_t quantum) {
  // Head count (D+1) w + (w+1) C = w (D+1+C) + C grows linearly in w: the best w is the floor
  // of the exact solution or the one after it.
  const long long per_unit = static_cast<long long>(features) + 1 + classes;
  const long long target = static_cast<long long>(quantum);
  const auto miss = [&](long long w) { return std::llabs(w * per_unit + classes - target); };
  const long long w = std::max(1LL, (target - classes) / per_unit);
  return static_cast<int>(miss(w + 1) < miss(w) ? w + 1 : w);
}

namespace {

// What the QMFNN's circuit for this spec costs in angles (building it also checks the spec).
size_t quantum_count(const QmfnnSpec& s) {
  const QmfCircuit c = build_qmf_circuit(s.settings, s.classes);
  return c.fusion_params + c.qcnn_params;
}

class QmfnnClassical final : public Model {
 public:
  explicit QmfnnClassical(const QmfnnSpec& s) : spec_(s), quantum_(quantum_count(s)) {
    ffn_ = make_ffns(arena_, s);
    for (size_t m = 0; m < s.dims.size(); ++m)
      features_ += static_cast<size_t>(register_width(s, m));
    width_ = classical_head_width(features_, s.classes, quantum_);
    head_ = std::make_unique<nn::Mlp>(
        arena_, "head",
        std::vector<nn::Index>{static_cast<nn::Index>(features_), width_, s.classes},
        nn::Activation::tanh);
  }

  void init_layers(Rng& rng) override {
    for (auto& f : ffn_) f->init(rng);
    head_->init(rng);
  }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    QMF_CHECK(x.size() == ffn_.size(), "{} modalities given, the model has {}", x.size(),
              ffn_.size());
    h_.resize(ffn_.size());
    for (size_t m = 0; m < ffn_.size(); ++m) h_[m] = ffn_[m]->forward(x[m]);
    return classify(head_->forward(concat_columns(h_)), y, probs, dlogits_);
  }

  std::string kind() const override { return "qmfnn-classical"; }
  std::string describe_layers() const override {
    return fmt::format(
        "qmfnn-classical: FFNs to {} features -> Linear({} -> {}) tanh -> Linear({} "
        "-> {}): {} head parameters in place of the qmfnn's {} quantum parameters",
        features_, features_, width_, width_, spec_.classes, head_->parameter_count(), quantum_);
  }

 private:
  void add_gradients() override {
    head_->backward(dlogits_, &dh_);
    nn::Index c = 0;
    for (size_t m = 0; m < ffn_.size(); ++m) {
      ffn_[m]->backward(dh_.middleCols(c, ffn_[m]->out()), input_grad(m));
      c += ffn_[m]->out();
    }
  }

  QmfnnSpec spec_;
  size_t quantum_ = 0, features_ = 0;
  int width_ = 1;
  std::vector<std::unique_ptr<nn::Mlp>> ffn_;
  std::unique_ptr<nn::Mlp> head_;
  std::vector<nn::Matrix> h_;
  nn::Matrix dlogits_, dh_;
};

}  // namespace

std::unique_ptr<Model> make_qmfnn_classical(const QmfnnSpec& spec) {
  return std::make_unique<QmfnnClassical>(spec);
}

}  // namespace qmf::model
