#pragma once
// A run directory loaded back for inspection (`qmf eval`, `qmf explain`): its config.toml with the
// user's data overrides, the data, the model it describes, and the checkpoint's parameters.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "model/model.h"
#include "train/config.h"

namespace qmf::train {

struct TrainedRun {
  Config config;  // config.toml with the overrides applied
  data::Multimodal data;
  std::unique_ptr<model::Model> model;  // restored from checkpoint.qmf
  int epochs_done = 0;
  // Steps into epoch epochs_done + 1: a mid-epoch checkpoint (train.checkpoint_every, a stop).
  uint64_t steps_done = 0;
};

// `overrides` are `--set key=value` assignments. Only data.* keys and train.threads may change:
// the model and its training are what the run is. Any other key is a UsageError that names
// `command` ("eval", "explain"). A missing or damaged config.toml or checkpoint.qmf is an Error
// naming the file; the checkpoint is read before the data, which may have to be fetched.
TrainedRun load_trained(const std::filesystem::path& dir, const std::vector<std::string>& overrides,
                        std::string_view command);

}  // namespace qmf::train
