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

  void init(Rng& rng) override { mlp_.init(rng); }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    return classify(mlp_.forward(concat_columns(x)), y, probs, dlogits_);
  }

  std::string kind() const override { return "early"; }
  std::string describe() const override {
    return fmt::format("early: concat({}) = {} -> MLP [{}] ReLU -> {} classes",
                       fmt::join(spec_.dims, "+"), total(spec_.dims), fmt::join(spec_.hidden, ", "),
                       spec_.classes);
  }

 private:
  void add_gradients() override { mlp_.backward(dlogits_, nullptr); }

  BaselineSpec spec_;
  nn::Mlp mlp_;
  nn::Matrix dlogits_;
};

}  // namespace

std::unique_ptr<Model> make_early(const BaselineSpec& spec) {
  return std::make_unique<Early>(spec);
}

}  // namespace qmf::model
