#include "explain/require_probe.h"

#include <fmt/format.h>

#include "core/error.h"

namespace qmf::explain {

model::QmfnnProbe& require_probe(const train::TrainedRun& run, const std::filesystem::path& dir,
                                 std::string_view command) {
  if (model::QmfnnProbe* probe = run.model->probe()) return *probe;
  const ModelConfig& m = run.config.model;
  // The model's own kind() can be an internal name ("qmfnn-evidential"); the config's keys are
  // what the user wrote and can look up.
  if (m.kind == "qmfnn")
    throw UsageError(fmt::format(
        "qmf {} needs a qmfnn model with model.fusion = {}; the run in {} is model.kind = qmfnn "
        "with model.fusion = {}",
        command, name_of(Fusion::entangle), dir.string(), name_of(m.fusion)));
  throw UsageError(fmt::format("qmf {} needs a qmfnn model; the run in {} is '{}'", command,
                               dir.string(), m.kind));
}

}  // namespace qmf::explain
