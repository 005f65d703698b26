#pragma once
// `qmf train`'s work, shared by the command and the Python module: a new run (in a directory the
// caller names, or a fresh one under runs/) or a resumed one, then the run's figures. Run by
// every rank of an MPI job (dist::world()), which trains it data-parallel; rank 0 writes.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/config.h"
#include "train/progress.h"

namespace qmf::jobs {

struct TrainedDir {
  std::filesystem::path dir;
  nlohmann::json summary;  // summary.json
};

// `out` empty: runs/<time>-<model>-<view> below the working directory.
TrainedDir train(const Config& config, const std::string& out, train::Progress& progress);
// `sets` may change train.epochs and train.checkpoint_every only (train/run.h).
TrainedDir resume(const std::filesystem::path& dir, const std::vector<std::string>& sets,
                  train::Progress& progress);

// curves.png and confusion.png in a finished run directory (report/run_figures.h). The figures
// are a view of the run, not part of it: a missing gnuplot or a failed figure is a one-line note
// on stderr, never a failed job.
void draw_run_figures(const std::filesystem::path& dir);

}  // namespace qmf::jobs
