#pragma once
// `qmf explain`'s work, shared by the command and the Python module: what a trained QMFNN does
// with its test samples (explain/explanation.h), written as tables, figures and a report into an
// output directory that is replaced whole (jobs/output_dir.h).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/progress.h"
#include "train/trained_run.h"

namespace qmf::jobs {

inline constexpr size_t kMaxExplainExamples = 64;

struct ExplainRequest {
  std::filesystem::path run_dir;  // for the report and the default output directory
  std::filesystem::path out;      // empty: RUN/explain
  size_t examples = 6;            // test samples drawn in samples.png, 1..64
  std::vector<std::string> sets;  // the overrides the run was loaded with, for the report
};

struct Explained {
  nlohmann::json report;  // explain.json
  std::string table;      // the accuracy and the per-modality summary, for the terminal
  std::filesystem::path out;
  double seconds = 0;
};

// --samples as a count in 1..64 (UsageError otherwise), echoed as typed in the message.
size_t explain_examples(const std::string& text);
std::filesystem::path explain_out(const ExplainRequest& request);
// Checks the output directory; cheap: call it before loading the run too.
void check_explain_out(const ExplainRequest& request);
Explained explain(const train::TrainedRun& run, const ExplainRequest& request,
                  train::Progress& progress);

}  // namespace qmf::jobs
