// Low-rank multimodal fusion (Liu et al. 2018): the tfn weight on [z_1;1] (x) ... (x) [z_M;1]
// factorised as a sum of `rank` products of per-modality factors, so it is never formed:
//   u_m[r] = W_m[r] a_m (C values), h = sum_r prod_m u_m[r] + bias.
// Parameters grow additively in M (M * rank * C * (f+1)) where tfn's grow as (f+1)^M.
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "model/baseline_parts.h"
#include "model/baselines.h"

namespace qmf::model {
namespace {

class Lmf final : public Model {
 public:
  explicit Lmf(const BaselineSpec& s) : spec_(checked(s)), embed_(arena_, s.dims, s.fusion_dim) {
    for (size_t m = 0; m < s.dims.size(); ++m)
      factors_.push_back(arena_.add(fmt::format("lmf.factor{}", m + 1),
                                    static_cast<size_t>(rows() * width()),
                                    nn::ParamKind::Classical));
    bias_ = arena_.add("lmf.bias", static_cast<size_t>(s.classes), nn::ParamKind::Classical);
  }

  // Factors and bias uniform in (-1/sqrt(f+1), 1/sqrt(f+1)), f+1 being each factor's fan-in;
  // drawn after the embeddings, factor 1 first, then the bias.
  void init_layers(Rng& rng) override {
    embed_.init(rng);
    const double bound = 1.0 / std::sqrt(static_cast<double>(width()));
    for (size_t f : factors_)
      for (double& v : arena_.values(f, static_cast<size_t>(rows() * width())))
        v = rng.uniform(-bound, bound);
    for (double& v : arena_.values(bias_, static_cast<size_t>(spec_.classes)))
      v = rng.uniform(-bound, bound);
  }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    const auto& a = embed_.forward(x);
    const size_t mods = a.size();
    u_.resize(mods);
    // u_m = a_m W_m^T: B x (rank * C), column r * C + c holding (W_m[r] a_m)_c.
    for (size_t m = 0; m < mods; ++m) u_[m].noalias() = a[m] * factor(m).transpose();
    nn::Matrix prod = u_[0];
    for (size_t m = 1; m < mods; ++m) prod.array() *= u_[m].array();
    const nn::Index classes = spec_.classes;
    logits_ = nn::Matrix::Zero(prod.rows(), classes);
    for (nn::Index r = 0; r < spec_.rank; ++r) logits_ += prod.middleCols(r * classes, classes);
    logits_.rowwise() += std::as_const(arena_).value_vector(bias_, spec_.classes).transpose();
    return classify(logits_, y, probs, dlogits_);
  }

  std::string kind() const override { return "lmf"; }
  std::string describe_layers() const override {
    return fmt::format(
        "lmf: {} modalities -> Linear+ReLU to {} each, rank-{} factors of shape "
        "({}, {}, {}) per modality -> {} classes",
        spec_.dims.size(), spec_.fusion_dim, spec_.rank, spec_.rank, spec_.classes, width(),
        spec_.classes);
  }

 private:
  nn::Index rows() const { return static_cast<nn::Index>(spec_.rank) * spec_.classes; }
  nn::Index width() const { return spec_.fusion_dim + 1; }
  nn::ConstMatrixMap factor(size_t m) const {
    return std::as_const(arena_).value_matrix(factors_[m], rows(), width());
  }

  void add_gradients() override {
    const std::vector<nn::Matrix>& a = embed_.outputs();
    const size_t mods = a.size();
    arena_.grad_vector(bias_, spec_.classes) += dlogits_.colwise().sum().transpose();
    da_.resize(mods);
    for (size_t m = 0; m < mods; ++m) {
      // dL/du_m[r, c] = dL/dh_c * prod over the other modalities of u_m'[r, c].
      nn::Matrix du = dlogits_.replicate(1, spec_.rank);
      for (size_t o = 0; o < mods; ++o)
        if (o != m) du.array() *= u_[o].array();
      arena_.grad_matrix(factors_[m], rows(), width()).noalias() += du.transpose() * a[m];
      da_[m].noalias() = du * factor(m);
    }
    embed_.backward(da_, input_grads());
  }

  BaselineSpec spec_;
  Embeddings embed_;
  std::vector<size_t> factors_;
  size_t bias_ = 0;
  std::vector<nn::Matrix> u_, da_;
  nn::Matrix logits_, dlogits_;
};

}  // namespace

std::unique_ptr<Model> make_lmf(const BaselineSpec& spec) { return std::make_unique<Lmf>(spec); }

}  // namespace qmf::model
