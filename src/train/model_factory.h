#pragma once
// From a resolved config and the loaded data to a model and its optimiser.
#include <memory>

#include "data/dataset.h"
#include "model/model.h"
#include "nn/optim.h"
#include "train/config.h"

namespace qmf::train {

std::unique_ptr<model::Model> make_model(const Config& config, const data::Multimodal& data);
std::unique_ptr<nn::Optimizer> make_optimizer(const Config& config);
int resolved_threads(const Config& config);  // train.threads, 0 meaning every core
// Sets the process up for train.threads (use_threads); every command that runs a model
// calls it before the first batch.
void use_threads(const Config& config);

}  // namespace qmf::train
