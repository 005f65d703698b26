// Early fusion: the modalities' features side by side into one MLP classifier.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/baseline_parts.h"
#include "model/baselines.h"
#include "nn/mlp.h"

namespace qmf::model {
namespace {

class Early final : public Model {
 public:
  explicit Early(const BaselineSpec& s)
      : spec_(checked(s)), mlp_(arena_, "mlp", mlp_sizes(total(s.dims), s.hidden, s.classes)) {}

  void init_layers(Rng& rng) override { mlp_.init(rng); }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    return classify(mlp_.forward(concat_columns(x)), y, probs, dlogits_);
  }

  std::string kind() const override { return "early"; }
  std::string describe_layers() const override {
    return fmt::format("early: concat({}) = {} -> MLP [{}] ReLU -> {} classes",
                       fmt::join(spec_.dims, "+"), total(spec_.dims), fmt::join(spec_.hidden, ", "),
                       spec_.classes);
  }

 private:
  void add_gradients() override {
    if (input_grad(0) == nullptr) return mlp_.backward(dlogits_, nullptr);
    mlp_.backward(dlogits_, &dx_);
    nn::Index c = 0;
    for (size_t m = 0; m < spec_.dims.size(); ++m) {
      const auto width = static_cast<nn::Index>(spec_.dims[m]);
      *input_grad(m) = dx_.middleCols(c, width);
      c += width;
    }
  }

  BaselineSpec spec_;
  nn::Mlp mlp_;
  nn::Matrix dlogits_;
  nn::Matrix dx_;  // dLoss/d(concatenated inputs), for front ends
};

}  // namespace

std::unique_ptr<Model> make_early(const BaselineSpec& spec) {
  return std::make_unique<Early>(spec);
}

}  // namespace qmf::model
