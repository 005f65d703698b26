#pragma once
// What a run records about itself, as types: one row per epoch (the checkpoint's history and
// metrics.csv) and the summary of a finished run (summary.json). Each is written and read here
// only, by field name, so a column or a key is added in one place.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nn/arena.h"

namespace qmf::train {

struct EpochRow {
  int epoch = 0;
  double train_loss = 0, train_acc = 0, test_loss = 0, test_acc = 0, seconds = 0;
  double train_seconds = 0;          // the training part only, for samples/s
  double val_loss = 0, val_acc = 0;  // NaN without a validation split
};

struct RunSummary {
  std::string model, view;
  int epochs = 0;
  double test_accuracy = 0, test_loss = 0;
  double train_seconds = 0, samples_per_second = 0;
  nn::ParamCounts params;
  int qubits = 0;
  uint64_t seed = 0;
  int threads = 0;
  std::string precision, isa;
  double validation_accuracy = 0, validation_loss = 0;  // NaN without a validation split
  size_t train_samples = 0, validation_samples = 0, test_samples = 0;
  std::string structure;
  // Absent from summaries written before they were recorded (read back as "unknown" / empty).
  std::string qmf_version, commit;                   // the build that trained the run
  std::vector<std::string> class_names;              // what labels 0..C-1 mean
  std::vector<std::vector<int64_t>> test_confusion;  // final model, test split, [true][predicted]
  int ranks = 1;  // the processes that trained it last (mpirun -np N); 1 before it was recorded
};

// The checkpoint's history: one JSON object per epoch, keyed by field name. Checkpoints written
// before the keys were named hold arrays in field order; both are read.
nlohmann::json history_json(const std::vector<EpochRow>& rows);
// Throws qmf::Error naming `source` when the history is missing or malformed.
std::vector<EpochRow> history_from_json(const nlohmann::json& history,
                                        const std::filesystem::path& source);

// metrics.csv: a header of column names, then one row per epoch; the validation columns stay
// empty when the run holds no validation split.
std::string metrics_csv(const std::vector<EpochRow>& rows);
// The column `name` of every row of a metrics.csv, found by its header; errors name file:line.
std::vector<double> read_metrics_column(const std::filesystem::path& file, const std::string& name);

nlohmann::json summary_json(const RunSummary& s);
// Throws qmf::Error naming `source` when a key is missing or of the wrong type.
RunSummary summary_from_json(const nlohmann::json& j, const std::filesystem::path& source);

}  // namespace qmf::train
