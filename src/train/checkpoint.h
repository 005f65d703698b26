#pragma once
// Checkpoints: versioned, checksummed, written atomically.
//   "QMFCKPT\n" | u32 version | u64 header bytes | header (JSON) | f64 payload | u32 CRC-32
// The header names the model, its parameter blocks and the optimiser; the payload holds the
// parameter values followed by the optimiser's buffers. The CRC covers every byte before it.
// Version 2 added "epoch_progress" to the header (mid-epoch checkpoints); version 1 files, which
// lack it, still load as checkpoints taken at an epoch's end.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nn/arena.h"
#include "nn/optim.h"
#include "train/epoch_progress.h"

namespace qmf::train {

inline constexpr uint32_t kCheckpointVersion = 2;
inline constexpr uint32_t kOldestCheckpointVersion = 1;  // still read

struct Checkpoint {
  std::string model_kind;
  std::vector<nn::ParamBlock> blocks;
  std::vector<double> values;
  std::string optimizer;
  nn::OptimizerState optimizer_state;
  int epochs_done = 0;
  EpochProgress partial;  // into epoch epochs_done + 1; steps == 0 at an epoch's end
  nlohmann::json extra;   // training progress (metrics so far, timings)
};

Checkpoint capture(const std::string& model_kind, const nn::ParameterArena& arena,
                   const nn::Optimizer& optimizer, int epochs_done, nlohmann::json extra,
                   const EpochProgress& partial = {});
void save_checkpoint(const std::filesystem::path& path, const Checkpoint& ckpt);
Checkpoint load_checkpoint(const std::filesystem::path& path);
// The file's bytes, as load_checkpoint reads them (a resume on several ranks sends them on).
std::string read_checkpoint_file(const std::filesystem::path& path);
// The checks and decoding of load_checkpoint on a file's bytes; `name` names it in errors.
Checkpoint parse_checkpoint(std::string_view bytes, const std::string& name);
// Copies values and optimiser state back, after checking the model and its layout match.
void restore(const Checkpoint& ckpt, const std::string& model_kind, nn::ParameterArena& arena,
             nn::Optimizer* optimizer, const std::filesystem::path& source);

}  // namespace qmf::train
