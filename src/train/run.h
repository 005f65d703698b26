#pragma once
// A training run and its directory:
//   config.toml     the resolved configuration (data paths made absolute)
//   metrics.csv     epoch, train_loss, train_acc, test_loss, test_acc, seconds
//   checkpoint.qmf  parameters, optimiser state and metrics after the last finished epoch, or
//                   after step N of the next one (train.checkpoint_every)
//   best.qmf        with a validation split (data.validation > 0): the checkpoint of the epoch
//                   best on it so far (train.monitor), for qmf eval/explain/export --checkpoint
//   summary.json    written when the run finishes
//
// Crash safety. Every file is written atomically (temporary file, fsync, rename, fsync of the
// directory), so each is either its old or its new version, and they are written in an order
// that keeps them consistent whenever a run is killed:
//   1. config.toml, before anything else: a directory without it holds no run;
//   2. checkpoint.qmf, the one source of truth: it carries the rows of every finished epoch and
//      the validation split's best epoch so far ("validation_best" in its extra JSON);
//   2b. best.qmf, after the checkpoint of an epoch that improved on the best, as a copy of it. A
//      run killed between the two left best.qmf an improvement behind; --resume, seeing that the
//      checkpoint's epoch is the best one, writes best.qmf again from it;
//   3. metrics.csv, rewritten from those rows after each epoch's checkpoint, so it never shows
//      an epoch the checkpoint lacks (it may lag one behind; --resume rewrites it first);
//   4. summary.json, last, after the final checkpoint and metrics.
//
// One process at a time. A run directory is claimed before the data is loaded: created
// exclusively (or, given as --out, an existing empty one), then locked for the life of the
// process (core/run_lock.h, the lock file .qmf.lock). A second train or resume there fails at
// once naming the holder; eval, explain and export only read, and need no lock.
//
// Stopping. Under InterruptHandlers (core/interrupt.h), SIGINT or SIGTERM stops training at the
// next step: a checkpoint at that step, metrics.csv, then Interrupted, whose message says where
// it stopped and the command that continues it.
//
// `qmf train --resume DIR` continues from the checkpoint, mid-epoch included, and finishes with
// the metrics and parameters of an uninterrupted run (same seed, threads and precision), every
// training control included (docs/TRAINING.md): the learning-rate schedule is a function of the
// optimiser's step count, and early stopping's best value and patience count are in the
// checkpoint. A run that stopped early stays stopped: resumed, it says so and trains nothing;
// a larger train.epochs is refused. A run with a cosine schedule cannot change train.epochs. With
// config.toml but no checkpoint yet, it starts the run again from the beginning. Checkpoints
// record the settings they were trained with ("config" in their extra JSON): a config.toml that
// differs from them (edited by hand) is refused, train.epochs and train.checkpoint_every aside.
// config.toml stores the thread count resolved ("all cores" as the count it meant).
//
// Ranks. Under mpirun every function here runs on every rank of the job (`ranks`), which train
// the run data-parallel (trainer.h). Rank 0 alone claims, locks and writes the run directory and
// reads it on a resume, sending the settings and checkpoint to the others (which need no access
// to it); the checks before training (settings, directory, checkpoint, each rank's data) are
// agreed by all ranks before any trains (dist/agreement.h). A checkpoint holds nothing of the
// ranks that wrote it, so a run resumes on any number of ranks; summary.json records the number
// that finished it.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "dist/communicator.h"
#include "train/config.h"
#include "train/progress.h"

namespace qmf::train {

// Loads the config's data view, fetching the data set first if its files are missing. The data's
// warnings (a class without training samples) go to stderr, one line each.
data::Multimodal load_data(const Config& config);
// The first half of load_data: fetches the config's data set if its files are missing.
void fetch_data(const Config& config);

// data.dir, data.fsdd and data.files made absolute against the working directory, as a new run
// stores them in config.toml: eval, explain and --resume then work from any directory.
Config with_absolute_data_paths(Config config);

// A new run in `dir` (--out): a new directory or an existing empty one.
nlohmann::json train_new(const Config& config, const std::filesystem::path& dir, Progress& progress,
                         const dist::Communicator& ranks = dist::one_process());

struct NewRun {
  std::filesystem::path dir;
  nlohmann::json summary;
};
// A new run in runs/<time>-<model>-<view> below the working directory, or <that>-2, -3, ... when
// runs started in the same second have taken the name.
NewRun train_new_under_runs(const Config& config, Progress& progress,
                            const dist::Communicator& ranks = dist::one_process());

// Overrides may change train.epochs and train.checkpoint_every only.
nlohmann::json train_resume(const std::filesystem::path& dir,
                            const std::vector<std::string>& overrides, Progress& progress,
                            const dist::Communicator& ranks = dist::one_process());

}  // namespace qmf::train
