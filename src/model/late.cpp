// Late (decision-level) fusion: one MLP classifier per modality; the fused logits are the sum of
// their log-softmax outputs (a product of the modalities' beliefs), trained with softmax CE.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "model/baseline_parts.h"
#include "model/baselines.h"
#include "nn/loss.h"
#include "nn/mlp.h"

namespace qmf::model {
namespace {

class Late final : public Model {
 public:
  explicit Late(const BaselineSpec& s) : spec_(checked(s)) {
    for (size_t m = 0; m < s.dims.size(); ++m)
      mlps_.push_back(std::make_unique<nn::Mlp>(arena_, fmt::format("late{}", m + 1),
                                                mlp_sizes(s.dims[m], s.hidden, s.classes)));
    logp_.resize(s.dims.size());
  }

  void init_layers(Rng& rng) override {
    for (auto& mlp : mlps_) mlp->init(rng);
  }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    QMF_CHECK(x.size() == mlps_.size(), "{} modalities given, the model has {}", x.size(),
              mlps_.size());
    for (size_t m = 0; m < mlps_.size(); ++m) {
      nn::log_softmax(mlps_[m]->forward(x[m]), logp_[m]);
      if (m == 0)
        fused_ = logp_[m];
      else
        fused_ += logp_[m];
    }
    return classify(fused_, y, probs, dfused_);
  }

  std::string kind() const override { return "late"; }
  std::string describe_layers() const override {
    return fmt::format(
        "late: {} x MLP [{}] ReLU -> {} classes (inputs {}), fused by summing "
        "log-softmax",
        mlps_.size(), fmt::join(spec_.hidden, ", "), spec_.classes, fmt::join(spec_.dims, ", "));
  }

 private:
  void add_gradients() override {
    for (size_t m = 0; m < mlps_.size(); ++m) {
      nn::log_softmax_backward(logp_[m], dfused_, dlogits_);
      mlps_[m]->backward(dlogits_, input_grad(m));
    }
  }

  BaselineSpec spec_;
  std::vector<std::unique_ptr<nn::Mlp>> mlps_;
  std::vector<nn::Matrix> logp_;
  nn::Matrix fused_, dfused_, dlogits_;
};

}  // namespace

std::unique_ptr<Model> make_late(const BaselineSpec& spec) { return std::make_unique<Late>(spec); }

}  // namespace qmf::model
