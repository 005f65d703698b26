#include "train/model_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "core/parallel.h"
#include "model/baselines.h"
#include "model/evidential.h"
#include "model/qmfnn.h"

namespace qmf::train {

int resolved_threads(const Config& c) {
  return c.train.threads == 0 ? available_threads() : c.train.threads;
}

void use_threads(const Config& c) { qmf::use_threads(resolved_threads(c)); }

namespace {

model::QmfnnSpec qmfnn_spec(const Config& c, const data::Multimodal& data,
                            const std::vector<size_t>& dims) {
  model::QmfnnSpec spec{.dims = dims,
                        .classes = data.classes,
                        .settings = c.model,
                        .precision = c.sim.precision,
                        .threads = resolved_threads(c),
                        .noise = noise::noise_model(c.noise),
                        .shots = c.sim.shots,
                        .shot_seed = c.sim.seed,
                        .trajectories = c.sim.trajectories};
  // One register size per modality; evidential fusion sizes its registers from the class
  // count, so model.k does not apply to it.
  spec.settings.k = c.model.fusion == Fusion::evidential
                        ? std::vector<int>{}
                        : qubits_per_modality(c.model, dims.size());
  return spec;
}

model::BaselineSpec baseline_spec(const Config& c, const data::Multimodal& data,
                                  const std::vector<size_t>& dims) {
  const auto& m = c.model;
  return {.dims = dims,
          .classes = data.classes,
          .hidden = m.hidden,
          .fusion_dim = m.fusion_dim,
          .rank = m.rank};
}

// The model of model.kind for inputs of these widths (the data's, or its front ends').
std::unique_ptr<model::Model> make_fusion_model(const Config& c, const data::Multimodal& data,
                                                const std::vector<size_t>& dims) {
  const std::string& kind = c.model.kind;
  if (kind != "qmfnn" && (c.noise != NoiseConfig{} || c.sim.shots > 0 || c.sim.trajectories > 0))
    throw UsageError(fmt::format(
        "{}: noise and shots apply to the quantum models (model.kind = qmfnn), not to '{}'",
        c.sim.shots > 0          ? "sim.shots"
        : c.sim.trajectories > 0 ? "sim.trajectories"
                                 : "noise.*",
        kind));
  if (c.model.fusion == Fusion::evidential && kind != "qmfnn")
    throw UsageError(
        fmt::format("model.fusion: evidential fusion is a fusion of the qmfnn model, "
                    "not of '{}' (model.kind)",
                    kind));
  if (kind == "qmfnn" && c.model.fusion == Fusion::evidential)
    return model::make_evidential(qmfnn_spec(c, data, dims));
  if (kind == "qmfnn") return model::make_qmfnn(qmfnn_spec(c, data, dims));
  if (kind == "qmfnn-classical") return model::make_qmfnn_classical(qmfnn_spec(c, data, dims));
  if (kind == "early") return model::make_early(baseline_spec(c, data, dims));
  if (kind == "late") return model::make_late(baseline_spec(c, data, dims));
  if (kind == "tfn") return model::make_tfn(baseline_spec(c, data, dims));
  if (kind == "lmf") return model::make_lmf(baseline_spec(c, data, dims));
  throw UsageError(fmt::format("model.kind: '{}' is not available (allowed: {})", kind,
                               fmt::join(kModelKinds, ", ")));
}

}  // namespace

std::unique_ptr<model::Model> make_model(const Config& c, const data::Multimodal& data) {
  if (c.model.frontend == Frontend::mlp) return make_fusion_model(c, data, data.dims());
  const std::vector<size_t> widths =
      model::front_end_widths(c.model.cnn, data.image_shapes, data.modality_names);
  std::unique_ptr<model::Model> model = make_fusion_model(c, data, widths);
  model->add_front_ends(c.model.cnn, data.image_shapes, resolved_threads(c));
  return model;
}

std::unique_ptr<nn::Optimizer> make_optimizer(const Config& c) {
  return nn::make_optimizer({.kind = c.train.optimizer,
                             .lr = c.train.lr,
                             .weight_decay = c.train.weight_decay,
                             .momentum = c.train.momentum});
}

}  // namespace qmf::train
