#include "train/trained_run.h"

#include <fmt/format.h>
#include <Eigen/Core>

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
      throw UsageError(
          fmt::format("--set {}: {} takes data.* keys and train.threads only", s, command));
    apply_override(run.config, s);
  }
  const auto ckpt = load_checkpoint(dir / "checkpoint.qmf");
  run.data = load_data(run.config);
  run.model = make_model(run.config, run.data);
  restore(ckpt, run.model->kind(), run.model->arena(), nullptr, dir / "checkpoint.qmf");
  run.epochs_done = ckpt.epochs_done;
  // The classical layers' products on the run's threads, as in training (the simulator takes
  // them from the model spec).
  Eigen::setNbThreads(resolved_threads(run.config));
  return run;
}

}  // namespace qmf::train
