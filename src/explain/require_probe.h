#pragma once
// The probe of a loaded run (model/qmfnn_probe.h), for the commands that look inside a QMFNN
// (`qmf explain`, `qmf export`): only a qmfnn model with the entangling fusion has one.
#include <filesystem>
#include <string_view>

#include "model/qmfnn_probe.h"
#include "train/trained_run.h"

namespace qmf::explain {

// The run's probe, or a UsageError that names `command`, the run directory and the run's
// model.kind (and model.fusion, for a qmfnn of another fusion) as its config spells them.
model::QmfnnProbe& require_probe(const train::TrainedRun& run, const std::filesystem::path& dir,
                                 std::string_view command);

}  // namespace qmf::explain
