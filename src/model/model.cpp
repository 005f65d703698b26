#include "model/model.h"

#include <fmt/format.h>

#include "core/error.h"

namespace qmf::model {

void Model::init(Rng& rng) {
  for (auto& front : front_ends_) front->init(rng);
  init_layers(rng);
}

void Model::add_front_ends(const nn::ConvSpec& spec, const std::vector<ImageShape>& shapes,
                           int threads) {
  QMF_CHECK(front_ends_.empty(), "a model takes its front ends once");
  for (size_t m = 0; m < shapes.size(); ++m)
    front_ends_.push_back(std::make_unique<nn::ConvStack>(arena_, fmt::format("cnn{}", m + 1),
                                                          shapes[m], spec, threads));
  across_front_ends_ = ParallelFor(threads);
  features_.resize(shapes.size());
  front_grads_.resize(shapes.size());
}

const std::vector<nn::Matrix>& Model::through_front_ends(const std::vector<nn::Matrix>& x,
                                                         Pass pass) {
  if (front_ends_.empty()) return x;
  QMF_CHECK(x.size() == front_ends_.size(), "{} modalities given, the model has {}", x.size(),
            front_ends_.size());
  across_front_ends_(x.size(), [&](size_t m) {
    features_[m] = front_ends_[m]->forward(x[m], pass == Pass::train, first_stream_);
  });
  return features_;
}

void Model::front_ends_backward() {
  across_front_ends_(front_ends_.size(),
                     [&](size_t m) { front_ends_[m]->backward(front_grads_[m], nullptr); });
}

std::string Model::describe() const {
  std::string text;
  for (size_t m = 0; m < front_ends_.size(); ++m)
    text += fmt::format("cnn{}: {}\n", m + 1, front_ends_[m]->describe());
  return text + describe_layers();
}

std::vector<size_t> front_end_widths(const nn::ConvSpec& spec,
                                     const std::vector<ImageShape>& shapes,
                                     const std::vector<std::string>& modality_names) {
  std::vector<size_t> widths;
  for (size_t m = 0; m < shapes.size(); ++m) {
    const std::string& name = m < modality_names.size() ? modality_names[m] : std::to_string(m + 1);
    if (!shapes[m].is_image())
      throw UsageError(fmt::format(
          "model.frontend: cnn convolves images, but modality {} ('{}') is a vector of {} "
          "features; use model.frontend = \"mlp\"",
          m + 1, name, shapes[m].size()));
    try {
      // The stack itself is the one authority on its output; a scratch arena holds its blocks.
      nn::ParameterArena scratch;
      widths.push_back(nn::ConvStack(scratch, "cnn", shapes[m], spec, 1).out_dim());
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("model.cnn: modality {} ('{}', {}x{}x{}): {}", m + 1, name,
                                   shapes[m].channels, shapes[m].rows, shapes[m].cols, e.what()));
    }
  }
  return widths;
}

}  // namespace qmf::model
