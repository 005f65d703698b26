#pragma once
// A run directory loaded back for inspection (`qmf eval`, `qmf explain`): its config.toml with the
// user's overrides (data, noise, shots), the data, the model it describes, and the checkpoint's
// parameters.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.h"
#include "data/dataset.h"
#include "model/model.h"
#include "train/config.h"

namespace qmf::train {

// Which of a run's checkpoints to load (--checkpoint): checkpoint.qmf, the last, or best.qmf,
// the epoch best on the validation split (runs with data.validation > 0 only).
enum class CheckpointChoice { last, best };
inline constexpr Spelling<CheckpointChoice> kCheckpointChoices[] = {
    {CheckpointChoice::last, "last"}, {CheckpointChoice::best, "best"}};
constexpr std::span<const Spelling<CheckpointChoice>> spellings(CheckpointChoice) {
  return kCheckpointChoices;
}
// "checkpoint.qmf" or "best.qmf".
std::string_view checkpoint_file(CheckpointChoice choice);

struct TrainedRun {
  Config config;  // config.toml with the overrides applied
  data::Multimodal data;
  std::unique_ptr<model::Model> model;  // restored from the chosen checkpoint
  int epochs_done = 0;
  // Steps into epoch epochs_done + 1: a mid-epoch checkpoint (train.checkpoint_every, a stop).
  uint64_t steps_done = 0;
};

// Whether `qmf eval` and `qmf explain` may `--set` the key: data.*, noise.*, sim.shots, sim.seed,
// sim.trajectories and train.threads change what the run is evaluated on and how (a run trained
// without noise, evaluated under a device's noise and a finite number of shots); the model and its
// training are what the run is.
bool evaluation_may_set(std::string_view key);

// `overrides` are `--set key=value` assignments, of keys evaluation_may_set allows. Any other
// key is a UsageError that names `command` ("eval", "explain"). A missing or damaged config.toml
// or checkpoint.qmf is an Error naming the file; the checkpoint is read before the data, which
// may have to be fetched. Asking for best.qmf where there is none is an Error that says why (no
// validation split, or no epoch finished yet).
TrainedRun load_trained(const std::filesystem::path& dir, const std::vector<std::string>& overrides,
                        std::string_view command, CheckpointChoice choice = CheckpointChoice::last);

}  // namespace qmf::train
