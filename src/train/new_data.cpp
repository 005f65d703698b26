#include "train/new_data.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "data/features/standardize.h"
#include "data/views/user_files.h"
#include "train/run.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

// The modality names of the run's data.files, before data.modalities (from its train/ split).
std::vector<std::string> trained_modality_names(const Config& c) {
  return data::read_user_split(fs::path(c.data.files) / "train").modality_names;
}

// The new split's modalities, in the order the model takes them.
std::vector<size_t> model_order(const data::UserSplit& input, const TrainedRun& run,
                                const fs::path& dir) {
  const auto& keep = run.config.data.modalities;
  const std::vector<std::string> trained =
      keep.empty() ? run.data.modality_names : trained_modality_names(run.config);
  if (input.modality_names != trained)
    throw Error(fmt::format(
        "{}: holds modalities {} ({} files); the run was trained on {} ({}), which new data "
        "must match by file name (without extension) and count",
        dir.string(), fmt::join(input.modality_names, ", "), input.modality_names.size(),
        fmt::join(trained, ", "), trained.size()));
  std::vector<size_t> order;
  order.reserve(trained.size());
  if (keep.empty()) {
    for (size_t m = 0; m < trained.size(); ++m) order.push_back(m);
  } else {
    for (const int k : keep) order.push_back(static_cast<size_t>(k - 1));
  }
  return order;
}

std::vector<int> relabel(const std::vector<int>& labels, const TrainedRun& run,
                         const fs::path& file) {
  const auto& keep = run.config.data.classes;
  std::vector<int> y;
  y.reserve(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    int label = labels[i];
    if (!keep.empty()) {
      const auto at = std::find(keep.begin(), keep.end(), label);
      if (at == keep.end())
        throw Error(
            fmt::format("{}: label {} at row {} is not one of the run's classes "
                        "(data.classes = [{}])",
                        file.string(), label, i, fmt::join(keep, ", ")));
      label = static_cast<int>(at - keep.begin());
    } else if (label >= run.data.classes) {
      throw Error(fmt::format("{}: label {} at row {} is beyond the run's {} classes (0..{})",
                              file.string(), label, i, run.data.classes, run.data.classes - 1));
    }
    y.push_back(label);
  }
  return y;
}

// data.standardize: the training split as it was before standardisation (the same samples:
// limits and the validation hold-out are seeded) gives the statistics the run's inputs were
// scaled by.
void standardize_like_training(const TrainedRun& run, data::Split& split) {
  if (!run.config.data.standardize) return;
  Config raw = run.config;
  raw.data.standardize = false;
  data::Multimodal trained = load_data(raw);
  data::standardize(trained.train, {&split});
}

}  // namespace

NewData load_new_data(const TrainedRun& run, const fs::path& input) {
  if (run.data.view != "files")
    throw UsageError(fmt::format(
        "--input: predict takes new data for runs on the files view (data.files); this run "
        "is on view {}, whose inputs are cut from its data set's images"
        " (evaluate it with qmf eval)",
        run.data.view));
  data::UserSplit in = data::read_user_split(input);
  const std::vector<size_t> order = model_order(in, run, input);
  NewData out;
  out.split.x.reserve(order.size());
  const std::vector<size_t> widths = run.data.dims();
  for (size_t m = 0; m < order.size(); ++m) {
    data::Features& x = in.split.x[order[m]];
    if (static_cast<size_t>(x.cols()) != widths[m])
      throw Error(fmt::format(
          "{}: {} features per sample, but the run's model takes {} for "
          "modality '{}'",
          in.files[order[m]].string(), x.cols(), widths[m], run.data.modality_names[m]));
    // As many values in another arrangement would feed a convolution garbage.
    const ImageShape& want = run.data.image_shapes.at(m);
    const ImageShape& got = in.shapes[order[m]];
    if (got != want)
      throw Error(fmt::format(
          "{}: samples of shape {} x {} x {} (channels x rows x cols), but the run trained on "
          "{} x {} x {} for modality '{}'",
          in.files[order[m]].string(), got.channels, got.rows, got.cols, want.channels, want.rows,
          want.cols, run.data.modality_names[m]));
    out.split.x.push_back(std::move(x));
  }
  out.labelled = !in.labels_file.empty();
  out.split.y =
      out.labelled ? relabel(in.split.y, run, in.labels_file) : std::vector<int>(in.samples, 0);
  standardize_like_training(run, out.split);
  return out;
}

data::Split new_data_from_matrices(const TrainedRun& run, std::vector<data::Features> x) {
  const std::vector<size_t> widths = run.data.dims();
  if (x.size() != widths.size())
    throw UsageError(fmt::format("x: {} modality arrays given, the run's model takes {} ({})",
                                 x.size(), widths.size(),
                                 fmt::join(run.data.modality_names, ", ")));
  for (size_t m = 0; m < x.size(); ++m) {
    if (static_cast<size_t>(x[m].cols()) != widths[m] || x[m].rows() != x[0].rows())
      throw UsageError(fmt::format("x[{}]: {} x {}, expected {} x {} (modality '{}')", m,
                                   x[m].rows(), x[m].cols(), x[0].rows(), widths[m],
                                   run.data.modality_names[m]));
  }
  data::Split split{.x = std::move(x), .y = {}};
  split.y.assign(static_cast<size_t>(split.x.empty() ? 0 : split.x[0].rows()), 0);
  standardize_like_training(run, split);
  return split;
}

}  // namespace qmf::train
