#pragma once
// A training run and its directory:
//   config.toml     the resolved configuration
//   metrics.csv     epoch, train_loss, train_acc, test_loss, test_acc, seconds
//   checkpoint.qmf  parameters, optimiser state and metrics after the last finished epoch, or
//                   after step N of the next one (train.checkpoint_every)
//   summary.json    written when the run finishes
//
// Crash safety. Every file is written atomically (temporary file, fsync, rename, fsync of the
// directory), so each is either its old or its new version, and they are written in an order
// that keeps them consistent whenever a run is killed:
//   1. config.toml, before anything else: a directory without it holds no run;
//   2. checkpoint.qmf, the one source of truth: it carries the rows of every finished epoch;
//   3. metrics.csv, rewritten from those rows after each epoch's checkpoint, so it never shows
//      an epoch the checkpoint lacks (it may lag one behind; --resume rewrites it first);
//   4. summary.json, last, after the final checkpoint and metrics.
// `qmf train --resume DIR` continues from the checkpoint, mid-epoch included, and finishes with
// the metrics and parameters of an uninterrupted run (same seed, threads and precision). With
// config.toml but no checkpoint yet, it starts the run again from the beginning.
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
// Overrides may change train.epochs and train.checkpoint_every only.
nlohmann::json train_resume(const std::filesystem::path& dir,
                            const std::vector<std::string>& overrides, Progress& progress);

std::filesystem::path default_run_dir(const Config& config);

}  // namespace qmf::train
