#include "train/trained_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"
#include "train/run.h"

namespace qmf::train {

std::string_view checkpoint_file(CheckpointChoice choice) {
  return choice == CheckpointChoice::best ? "best.qmf" : "checkpoint.qmf";
}

namespace {

// best.qmf is missing: say why, from what the run is.
[[noreturn]] void no_best(const std::filesystem::path& file, const Config& config) {
  if (config.data.validation <= 0)
    throw Error(fmt::format(
        "{}: there is no best checkpoint: the run has no validation split (data.validation = 0), "
        "so it keeps checkpoint.qmf only; use --checkpoint last",
        file.string()));
  throw Error(
      fmt::format("{}: there is no best checkpoint yet: the run has not finished an epoch; use "
                  "--checkpoint last",
                  file.string()));
}

}  // namespace

bool evaluation_may_set(std::string_view key) {
  return key.starts_with("data.") || key.starts_with("noise.") || key == "train.threads" ||
         key == "sim.shots" || key == "sim.seed" || key == "sim.trajectories";
}

TrainedRun load_trained(const std::filesystem::path& dir, const std::vector<std::string>& overrides,
                        std::string_view command, CheckpointChoice choice) {
  TrainedRun run;
  run.config = load_config(dir / "config.toml");
  for (const auto& s : overrides) {
    if (!evaluation_may_set(override_key(s)))
      throw UsageError(fmt::format(
          "--set {}: {} takes data.*, noise.*, sim.shots, sim.seed, sim.trajectories and "
          "train.threads only",
          quote_value(s), command));
    apply_override(run.config, s);
  }
  const std::filesystem::path file = dir / checkpoint_file(choice);
  std::error_code ec;
  if (choice == CheckpointChoice::best && !std::filesystem::exists(file, ec))
    no_best(file, run.config);
  const auto ckpt = load_checkpoint(file);
  run.data = load_data(run.config);
  run.model = make_model(run.config, run.data);
  try {
    restore(ckpt, run.model->kind(), run.model->arena(), nullptr, file);
  } catch (const Error& e) {
    // The checkpoint matched the run before the overrides (data.view, data.modalities,
    // data.classes, data.pool) reshaped the inputs: say which setting did it.
    if (overrides.empty()) throw;
    throw UsageError(
        fmt::format("--set {}: the run's model cannot take data of another shape or "
                    "class count ({})",
                    fmt::join(overrides, " --set "), e.what()));
  }
  run.epochs_done = ckpt.epochs_done;
  run.steps_done = ckpt.partial.steps;
  use_threads(run.config);  // as in training
  return run;
}

}  // namespace qmf::train
