#pragma once
// `qmf eval`'s work, shared by the command and the Python module: a trained run on its test
// split, and with an output directory, eval.json and predictions.csv there.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "train/class_metrics.h"
#include "train/trained_run.h"

namespace qmf::jobs {

struct Evaluation {
  train::Predictions predictions;
  train::Confusion confusion;
  train::Metrics metrics;
  nlohmann::json report;  // eval.json
  std::string text;       // the summary line, the per-class table and the confusion matrix
};

// Checks `out` (report: "--out"), which may be empty: nothing written. Cheap: call it before
// loading the run too, so a bad --out fails at once.
void check_eval_out(const std::filesystem::path& out);
Evaluation evaluate(const train::TrainedRun& run, const std::filesystem::path& out);

}  // namespace qmf::jobs
