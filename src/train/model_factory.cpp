#include "train/model_factory.h"

#include "core/error.h"
#include "model/qmfnn.h"
#include "sim/parallel.h"

namespace qmf::train {

int resolved_threads(const Config& c) {
  return c.train.threads == 0 ? sim::available_threads() : c.train.threads;
}

std::unique_ptr<model::Model> make_model(const Config& c, const data::Multimodal& data) {
  const auto& m = c.model;
  if (m.kind != "qmfnn")
    throw UsageError(fmt::format("model.kind: '{}' is not available (allowed: qmfnn)", m.kind));
  return model::make_qmfnn({.dims = data.dims(),
                            .classes = data.classes,
                            .k = qubits_per_modality(m, data.dims().size()),
                            .encoding = m.encoding,
                            .ffn_hidden = m.ffn_hidden,
                            .ffn_activation = m.ffn_activation,
                            .fusion_layers = m.fusion_layers,
                            .qcnn_share = m.qcnn_share,
                            .conv_block = m.conv_block,
                            .readout = m.readout,
                            .precision = c.sim.precision,
                            .threads = resolved_threads(c)});
}

std::unique_ptr<nn::Optimizer> make_optimizer(const Config& c) {
  if (c.train.optimizer == Optimizer::sgd) return std::make_unique<nn::Sgd>(nn::SgdConfig{c.train.lr});
  return std::make_unique<nn::Adam>(nn::AdamConfig{c.train.lr});
}

}  // namespace qmf::train
