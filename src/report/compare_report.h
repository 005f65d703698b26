#pragma once
// The outputs of `qmf compare`: compare.csv (one row per run), compare.md (one row per model:
// accuracy mean and spread over the seeds, parameters, time, parameters relative to the QMFNN)
// and accuracy_vs_params.png / .svg.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "train/compare.h"

namespace qmf::report {

struct ModelSummary {
  std::string model, family;
  size_t classical = 0, quantum = 0, total = 0;
  double mean = 0, std = 0, best = 0;  // final-epoch test accuracy over the seeds
  double val_mean = 0;                 // NaN without validation
  double seconds_per_epoch = 0;
  size_t seeds = 0;
};

std::vector<ModelSummary> summarise(const std::vector<train::StudyRun>& runs);
// One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view text);
std::string compare_csv(const std::vector<train::StudyRun>& runs);
std::string compare_markdown(const std::vector<ModelSummary>& models, const std::string& title);
// Writes compare.csv, compare.md and the plot into `dir`.
void write_compare_report(const std::filesystem::path& dir,
                          const std::vector<train::StudyRun>& runs, const std::string& title);

}  // namespace qmf::report
