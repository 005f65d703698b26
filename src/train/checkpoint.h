#pragma once
// Checkpoints: versioned, checksummed, written atomically.
//   "QMFCKPT\n" | u32 version | u64 header bytes | header (JSON) | f64 payload | u32 CRC-32
// The header names the model, its parameter blocks and the optimiser; the payload holds the
// parameter values followed by the optimiser's buffers. The CRC covers every byte before it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nn/arena.h"
#include "nn/optim.h"

namespace qmf::train {

inline constexpr uint32_t kCheckpointVersion = 1;

struct Checkpoint {
  std::string model_kind;
  std::vector<nn::ParamBlock> blocks;
  std::vector<double> values;
  std::string optimizer;
  nn::OptimizerState optimizer_state;
  int epochs_done = 0;
  nlohmann::json extra;  // training progress (metrics so far, timings)
};

Checkpoint capture(const std::string& model_kind, const nn::ParameterArena& arena,
                   const nn::Optimizer& optimizer, int epochs_done, nlohmann::json extra);
void save_checkpoint(const std::filesystem::path& path, const Checkpoint& ckpt);
Checkpoint load_checkpoint(const std::filesystem::path& path);
// Copies values and optimiser state back, after checking the model and its layout match.
void restore(const Checkpoint& ckpt, const std::string& model_kind, nn::ParameterArena& arena,
             nn::Optimizer* optimizer, const std::filesystem::path& source);

}  // namespace qmf::train
