#include "train/trained_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"
#include "train/run.h"

namespace qmf::train {

TrainedRun load_trained(const std::filesystem::path& dir, const std::vector<std::string>& overrides,
                        std::string_view command) {
  TrainedRun run;
  run.config = load_config(dir / "config.toml");
  for (const auto& s : overrides) {
    if (!s.starts_with("data.") && !s.starts_with("train.threads="))
      throw UsageError(fmt::format("--set {}: {} takes data.* keys and train.threads only",
                                   quote_value(s), command));
    apply_override(run.config, s);
  }
  const auto ckpt = load_checkpoint(dir / "checkpoint.qmf");
  run.data = load_data(run.config);
  run.model = make_model(run.config, run.data);
  try {
    restore(ckpt, run.model->kind(), run.model->arena(), nullptr, dir / "checkpoint.qmf");
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
