#pragma once
// The figures of a run directory, drawn by gnuplot from the run's own records when `qmf train`
// finishes (a new run or a resumed one):
//   curves.png     loss and accuracy per epoch (metrics.csv): train, validation when the run
//                  holds a validation split, test
//   confusion.png  the final model's test confusion matrix (summary.json's test_confusion), with
//                  the counts in the cells and the class names on the axes
//   figures.gp     the gnuplot script that drew them (the data is inside it)
// gnuplot draws them in a temporary directory; each is then written into the run atomically.
#include <filesystem>
#include <string>

#include "train/run_record.h"

namespace qmf::report {

// The gnuplot script for both figures of a run with these per-epoch values and summary.
std::string run_figures_script(const std::filesystem::path& metrics_csv,
                               const train::RunSummary& summary);

// Draws both figures into `dir` from dir/metrics.csv and dir/summary.json, first removing what a
// drawing killed mid-way left there (temporaries whose writer is dead). Throws qmf::Error
// (naming the file) when they are missing or malformed, or gnuplot fails (report/gnuplot.h).
void write_run_figures(const std::filesystem::path& dir);

}  // namespace qmf::report
