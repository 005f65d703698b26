// Tensor fusion (Zadeh et al. 2017): the outer product of the modality embeddings, each with a
// constant 1 appended so the product keeps every unimodal and lower-order term, then a Linear
// classifier on the (f+1)^M products. Index order: modality 1 most significant.
#include <fmt/format.h>

#include "core/error.h"
#include "model/baseline_parts.h"
#include "model/baselines.h"

namespace qmf::model {
namespace {

// Row-wise Kronecker product: out(b, i * B.cols() + j) = A(b, i) * B(b, j).
void kron_rows(const nn::Matrix& a, const nn::Matrix& b, nn::Matrix& out) {
  out.resize(a.rows(), a.cols() * b.cols());
  for (nn::Index r = 0; r < a.rows(); ++r)
    for (nn::Index i = 0; i < a.cols(); ++i)
      out.row(r).segment(i * b.cols(), b.cols()) = a(r, i) * b.row(r);
}

nn::Index fused_size(const BaselineSpec& s) {
  double size = 1;
  for (size_t m = 0; m < s.dims.size(); ++m) size *= s.fusion_dim + 1;
  constexpr double kMax = 1 << 24;
  if (size * s.classes > kMax)
    throw UsageError(
        fmt::format("model.fusion_dim: tfn's fused tensor would have (fusion_dim+1)^M "
                    "= {}^{} entries, more than {} weights for {} classes; lower it",
                    s.fusion_dim + 1, s.dims.size(), kMax, s.classes));
  return static_cast<nn::Index>(size);
}

class Tfn final : public Model {
 public:
  explicit Tfn(const BaselineSpec& s)
      : spec_(checked(s)),
        embed_(arena_, s.dims, s.fusion_dim),
        head_(arena_, "head", fused_size(s), s.classes) {}

  void init_layers(Rng& rng) override {
    embed_.init(rng);
    head_.init(rng);
  }

  double run_forward(const std::vector<nn::Matrix>& x, std::span<const int> y,
                     nn::Matrix& probs) override {
    const auto& a = embed_.forward(x);
    // prefix_[m] = a_1 (x) ... (x) a_{m+1}; the last one is Z.
    prefix_.resize(a.size());
    prefix_[0] = a[0];
    for (size_t m = 1; m < a.size(); ++m) kron_rows(prefix_[m - 1], a[m], prefix_[m]);
    head_.forward(prefix_.back(), logits_);
    return classify(logits_, y, probs, dlogits_);
  }

  std::string kind() const override { return "tfn"; }
  std::string describe_layers() const override {
    return fmt::format(
        "tfn: {} modalities -> Linear+ReLU to {} each, outer product of [z_m;1] "
        "({} entries) -> Linear -> {} classes",
        spec_.dims.size(), spec_.fusion_dim, head_.in(), spec_.classes);
  }

 private:
  void add_gradients() override {
    const std::vector<nn::Matrix>& a = embed_.outputs();
    head_.backward(prefix_.back(), dlogits_, &dz_);
    const size_t mods = a.size();
    const nn::Index w = spec_.fusion_dim + 1, batch = dz_.rows();
    da_.resize(mods);
    nn::Matrix suffix = nn::Matrix::Ones(batch, 1), next;  // a_{m+1} (x) ... (x) a_M
    for (size_t m = mods; m-- > 0;) {
      const nn::Matrix ones = nn::Matrix::Ones(batch, 1);
      const nn::Matrix& pre = m == 0 ? ones : prefix_[m - 1];
      const nn::Index np = pre.cols(), ns = suffix.cols();
      da_[m].setZero(batch, w);
      // dL/da_m(b, j) = sum over p, s of dZ(b, (p w + j) ns + s) pre(b, p) suffix(b, s).
      for (nn::Index b = 0; b < batch; ++b)
        for (nn::Index p = 0; p < np; ++p)
          for (nn::Index j = 0; j < w; ++j)
            da_[m](b, j) += pre(b, p) * dz_.row(b).segment((p * w + j) * ns, ns).dot(suffix.row(b));
      if (m == 0) break;
      kron_rows(a[m], suffix, next);
      std::swap(suffix, next);
    }
    embed_.backward(da_, input_grads());
  }

  BaselineSpec spec_;
  Embeddings embed_;
  nn::Linear head_;
  std::vector<nn::Matrix> prefix_, da_;
  nn::Matrix logits_, dlogits_, dz_;
};

}  // namespace

std::unique_ptr<Model> make_tfn(const BaselineSpec& spec) { return std::make_unique<Tfn>(spec); }

}  // namespace qmf::model
