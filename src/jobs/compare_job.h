#pragma once
// `qmf compare`'s work, shared by the command and the Python module: every model x seed of a
// study trained into its directory (rerun: resumed), each run's figures, and the study's report.
#include <filesystem>
#include <string>
#include <vector>

#include "report/compare_report.h"
#include "train/compare.h"
#include "train/progress.h"

namespace qmf::jobs {

struct StudyResult {
  std::filesystem::path dir;
  std::vector<train::StudyRun> runs;
  std::vector<report::ModelSummary> models;
  std::string markdown;  // the table the report opens with
};

// `out` empty: a new runs/compare-<time> below the working directory. check_study() first. Run
// by every rank of an MPI job (dist::world()), which share the study's runs out; rank 0 alone
// writes the report and returns the results (the other ranks get the directory only).
StudyResult compare(const train::Study& study, const std::vector<std::string>& sets,
                    const std::string& out, train::Progress& progress);

}  // namespace qmf::jobs
