#pragma once
// `qmf compare`: several models (each a set of config overrides) x several seeds on one data
// view, trained one after the other (or spread over the ranks of an MPI job, see run_study) into
// DIR/runs/<model>-s<seed>. A finished run (summary.json
// present) is not trained again and an interrupted one is resumed, so an interrupted study
// continues where it stopped.
//
// The study directory DIR belongs to one study: it must be new, empty, or the directory that
// study claimed before (its file .qmf-study names the study file). Anything else (the user's
// files, another study's results) is refused before any work, never mixed into or overwritten.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dist/communicator.h"
#include "train/config.h"
#include "train/progress.h"

namespace qmf::train {

struct StudyModel {
  std::string name;
  std::vector<std::string> overrides;  // "key=value" on top of the base
};

struct Study {
  std::string source;  // the study file (absolute path): whose study directory is whose
  std::vector<uint64_t> seeds;
  std::vector<std::string> base;  // "key=value", applied to the defaults first
  std::vector<StudyModel> models;
};

// Reads the study file (README, `qmf compare`): `seeds`, `[base]`, `[[models]]` with `name` and
// `set`, and checks it as check_study does. Model names become directory names and cells of
// compare.csv: letters, digits and - _ . + only, not starting with '.' or '-', at most 64
// bytes. Every problem is a UsageError naming the file.
Study load_study(const std::filesystem::path& file);
// As load_study, from the file's TOML text; `name` names it in error messages and is its source.
Study parse_study(std::string_view toml_text, const std::string& name);

// What would make the results wrong or fail after the work, refused up front (UsageError): an
// override the config schema rejects, seeds listed twice (they would count twice in the mean
// and spread), models on different data views (tabulated under one title), a train.seed in
// [base], a model's set or `extra` (the seeds come from `seeds = [...]` only).
void check_study(const Study& study, const std::vector<std::string>& extra);

struct StudyRun {
  std::string model, family;  // family: the model.kind
  uint64_t seed = 0;
  size_t classical = 0, quantum = 0, total = 0;
  std::vector<double> test_acc;  // per epoch
  double val_acc = 0;            // last epoch (NaN without a validation split)
  double seconds = 0;            // training time, all epochs
  int epochs = 0;
};

// Where the study in `dir` trains model `model` with seed `seed`: DIR/runs/<model>-s<seed>.
std::filesystem::path study_run_dir(const std::filesystem::path& dir, const std::string& model,
                                    uint64_t seed);

// Claims `dir` for the study (refusing it as above), checks the runs already there, runs what is
// missing and returns every run in study order.
//
// On a job of several ranks (mpirun -np N qmf compare) rank 0 claims and checks, then the runs
// left are dealt out in turn, the k-th to rank k mod N, each trained by its rank alone as a
// sequential study trains it (same results, same files); rank 0 collects them (the others get
// nothing back). The study directory must be one that every rank sees (a shared file system).
std::vector<StudyRun> run_study(const Study& study, const std::vector<std::string>& extra,
                                const std::filesystem::path& dir, Progress& progress,
                                const dist::Communicator& ranks = dist::one_process());

// The resolved config of one model of the study (base, then --set, then the model's set).
Config study_config(const Study& study, const std::vector<std::string>& extra,
                    const StudyModel& model, uint64_t seed);

}  // namespace qmf::train
