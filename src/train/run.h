#pragma once
// A training run and its directory:
//   config.toml     the resolved configuration
//   metrics.csv     epoch, train_loss, train_acc, test_loss, test_acc, seconds
//   checkpoint.qmf  parameters and optimiser state after the last finished epoch
//   summary.json    written when the run finishes
// Every file is written atomically, so an interrupted run leaves complete files that
// `qmf train --resume DIR` continues from.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "train/config.h"
#include "train/progress.h"

namespace qmf::train {

// Loads the config's data view, fetching the data set first if its files are missing.
data::Multimodal load_data(const Config& config);

nlohmann::json train_new(const Config& config, const std::filesystem::path& dir, Progress& progress);
nlohmann::json train_resume(const std::filesystem::path& dir,
                            const std::vector<std::string>& overrides, Progress& progress);

std::filesystem::path default_run_dir(const Config& config);

}  // namespace qmf::train
