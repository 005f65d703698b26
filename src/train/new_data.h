#pragma once
// New samples for a trained run (`qmf predict`): a directory of modality files as one split of
// the `files` view (data/views/user_files.h: one <name>.npy or .csv per modality, samples x
// features, modalities in file-name order, an optional labels file), put through the run's own
// preprocessing, so the model sees them as it saw its training data:
//   - data.modalities: the new directory holds the modalities of the run's data.files, by name
//     (the same names, in the same order); the ones data.modalities dropped are dropped again;
//   - data.classes: labels are the original labels of data.files; they are relabelled to the
//     kept classes, and a label outside them is an error naming the labels file;
//   - data.standardize: the per-feature statistics of the run's training split (recomputed from
//     data.files, which must still be there) are applied to the new samples.
// data.pool cannot be set for the `files` view, and corruption only ever touches the test split.
// Runs on a built-in view are refused: their inputs are cut from the data set's images, which
// new files cannot stand in for.
#include <filesystem>

#include "data/dataset.h"
#include "train/trained_run.h"

namespace qmf::train {

struct NewData {
  data::Split split;  // y: relabelled 0..C-1, or zeros (labelled false)
  bool labelled = false;
};

// Throws qmf::UsageError for a run on a built-in view, qmf::Error naming the file for missing
// modalities, a feature count other than the model's or labels it does not know.
NewData load_new_data(const TrainedRun& run, const std::filesystem::path& input);

// Samples in memory (the Python module's arrays): one matrix per modality the model takes, in
// its order, as the run's view gives them; any view. data.standardize applies as above. Labels
// are zeros. Throws UsageError naming x[m] for a wrong count, width or row count.
data::Split new_data_from_matrices(const TrainedRun& run, std::vector<data::Features> x);

}  // namespace qmf::train
