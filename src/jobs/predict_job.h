#pragma once
// `qmf predict`'s work, shared by the command and the Python module: a trained run's predictions
// on new data, from a directory of modality files (train/new_data.h) or from matrices in memory.
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "train/class_metrics.h"
#include "train/new_data.h"
#include "train/trained_run.h"

namespace qmf::jobs {

struct NewPredictions {
  train::NewData input;
  train::Predictions predictions;
  std::string csv;   // index, (true_label,) predicted_label, one probability column per class
  std::string line;  // "<model> on <input>: N samples[, accuracy ...]"
};

NewPredictions predict_files(const train::TrainedRun& run, const std::filesystem::path& input);

// One matrix per modality the model takes, samples x features, as the run's view gives them
// (data.standardize applies the training statistics, as for files).
train::Predictions predict_matrices(const train::TrainedRun& run, std::vector<data::Features> x);

}  // namespace qmf::jobs
