#include "model/baseline_parts.h"

#include <fmt/format.h>

#include "core/error.h"
#include "nn/activation.h"
#include "nn/loss.h"

namespace qmf::model {

const BaselineSpec& checked(const BaselineSpec& spec) {
  if (spec.dims.empty()) throw UsageError("the data has no modalities");
  for (size_t d : spec.dims)
    if (d == 0) throw UsageError("a modality has no features");
  if (spec.classes < 2)
    throw UsageError(fmt::format("{} classes: at least 2 are needed", spec.classes));
  for (int h : spec.hidden)
    if (h < 1) throw UsageError(fmt::format("model.hidden entries must be at least 1, got {}", h));
  if (spec.fusion_dim < 1)
    throw UsageError(fmt::format("model.fusion_dim must be at least 1, got {}", spec.fusion_dim));
  if (spec.rank < 1)
    throw UsageError(fmt::format("model.rank must be at least 1, got {}", spec.rank));
  return spec;
}

size_t total(const std::vector<size_t>& dims) {
  size_t n = 0;
  for (size_t d : dims) n += d;
  return n;
}

std::vector<nn::Index> mlp_sizes(size_t in, const std::vector<int>& hidden, int out) {
  std::vector<nn::Index> sizes{static_cast<nn::Index>(in)};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  sizes.push_back(out);
  return sizes;
}

double classify(const nn::Matrix& logits, std::span<const int> y, nn::Matrix& probs,
                nn::Matrix& dlogits) {
  nn::softmax(logits, probs);
  return nn::softmax_cross_entropy(logits, y, dlogits);
}

nn::Matrix concat_columns(const std::vector<nn::Matrix>& x) {
  QMF_CHECK(!x.empty(), "no modalities");
  nn::Index cols = 0;
  for (const auto& m : x) cols += m.cols();
  nn::Matrix out(x.front().rows(), cols);
  for (nn::Index c = 0; const auto& m : x) {
    QMF_CHECK(m.rows() == out.rows(), "modalities disagree on the batch size");
    out.middleCols(c, m.cols()) = m;
    c += m.cols();
  }
  return out;
}

Embeddings::Embeddings(nn::ParameterArena& arena, const std::vector<size_t>& dims, int fusion_dim)
    : fusion_dim_(fusion_dim) {
  layers_.reserve(dims.size());
  for (size_t m = 0; m < dims.size(); ++m)
    layers_.emplace_back(arena, fmt::format("embed{}", m + 1), static_cast<nn::Index>(dims[m]),
                         fusion_dim);
  x_.resize(dims.size()), pre_.resize(dims.size()), a_.resize(dims.size());
}

void Embeddings::init(Rng& rng) {
  for (auto& l : layers_) l.init(rng);
}

const std::vector<nn::Matrix>& Embeddings::forward(const std::vector<nn::Matrix>& x) {
  QMF_CHECK(x.size() == layers_.size(), "{} modalities given, the model has {}", x.size(),
            layers_.size());
  for (size_t m = 0; m < layers_.size(); ++m) {
    x_[m] = x[m];
    layers_[m].forward(x_[m], pre_[m]);
    a_[m].resize(pre_[m].rows(), fusion_dim_ + 1);
    a_[m].leftCols(fusion_dim_) = pre_[m].array().max(0.0).matrix();
    a_[m].col(fusion_dim_).setOnes();
  }
  return a_;
}

void Embeddings::backward(const std::vector<nn::Matrix>& da, const std::vector<nn::Matrix*>& dx) {
  for (size_t m = 0; m < layers_.size(); ++m) {
    nn::relu_backward(pre_[m], da[m].leftCols(fusion_dim_), dpre_);
    layers_[m].backward(x_[m], dpre_, m < dx.size() ? dx[m] : nullptr);
  }
}

}  // namespace qmf::model
