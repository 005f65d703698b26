#include "data/views/views.h"

#include <algorithm>
#include <cmath>

#include <fmt/ranges.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/features/image_features.h"
#include "data/features/spectrogram.h"
#include "data/features/standardize.h"
#include "data/formats/cifar.h"
#include "data/formats/idx.h"
#include "data/views/class_names.h"
#include "data/views/fsdd.h"
#include "data/views/sample_streams.h"
#include "data/views/selection.h"
#include "data/views/user_files.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

constexpr size_t kIdxSide = 28;     // MNIST and Fashion-MNIST images are 28x28
constexpr int kSourceClasses = 10;  // every source has labels 0..9

// `available`: how many classes the data has (labels 0..available-1).
void check_classes(const std::vector<int>& classes, int available) {
  if (classes.empty()) return;
  if (classes.size() < 2) throw UsageError("data.classes: needs at least 2 classes");
  for (size_t i = 0; i < classes.size(); ++i) {
    if (classes[i] < 0 || classes[i] >= available) {
      throw UsageError(
          fmt::format("data.classes: {} is outside [0, {}]", classes[i], available - 1));
    }
    if (std::find(classes.begin(), classes.begin() + static_cast<long>(i), classes[i]) !=
        classes.begin() + static_cast<long>(i)) {
      throw UsageError(fmt::format("data.classes: {} is listed twice", classes[i]));
    }
  }
}

// One split of one source: 8-bit images, or (the recordings) ready-made feature rows.
struct SourceSplit {
  Images images;
  Features features;
  ImageShape feature_shape;
  std::vector<int> labels;
};

struct Source {
  DataSet set;
  fs::path path;  // what errors name
  SourceSplit train, test;
};

SourceSplit idx_split(const fs::path& dir, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  const fs::path images = find_data_file(dir, prefix + "-images-idx3-ubyte");
  const fs::path labels = find_data_file(dir, prefix + "-labels-idx1-ubyte");
  LabelledImages data = read_idx_dataset(images, labels, kSourceClasses - 1);
  // The views cut fixed regions and pair train with test: another size is another data set.
  if (data.images.rows != kIdxSide || data.images.cols != kIdxSide)
    throw Error(fmt::format("{}: images are {}x{}; MNIST and Fashion-MNIST images are {}x{}",
                            images.string(), data.images.rows, data.images.cols, kIdxSide,
                            kIdxSide));
  return {.images = std::move(data.images), .labels = std::move(data.labels)};
}

SourceSplit cifar_split(const fs::path& dir, bool train) {
  LabelledImages data = read_cifar10(dir, train);
  return {.images = std::move(data.images), .labels = std::move(data.labels)};
}

SourceSplit fsdd_split(FsddSplit&& split) {
  return {.features = std::move(split.x),
          .feature_shape = {kSpectrogramFrames, kSpectrogramBands, 1},
          .labels = std::move(split.labels)};
}

// The recordings: data.fsdd, or by default the data directory's fsdd/ (a directory of
// recordings or one holding fsdd_recordings.tar.gz).
fs::path fsdd_path(const ViewOptions& options) {
  if (!options.fsdd.empty()) return options.fsdd;
  fs::path dir = options.dir / "fsdd";
  fs::path archive = dir / "fsdd_recordings.tar.gz";
  std::error_code ec;
  if (fs::exists(archive, ec)) return archive;
  if (fs::is_directory(dir, ec)) return dir;
  throw UsageError(
      fmt::format("view mnist+fsdd needs the Free Spoken Digit Dataset: set data.fsdd to its "
                  "fsdd_recordings.tar.gz or a directory of its recordings (nothing found at {})",
                  dir.string()));
}

Source load_source(DataSet set, const ViewOptions& options) {
  Source source{.set = set, .path = options.dir / data_set_name(set), .train = {}, .test = {}};
  switch (set) {
    case DataSet::fsdd: {
      source.path = fsdd_path(options);
      Fsdd fsdd = load_fsdd(source.path);
      source.train = fsdd_split(std::move(fsdd.train));
      source.test = fsdd_split(std::move(fsdd.test));
      break;
    }
    case DataSet::cifar10:
      source.train = cifar_split(source.path, true);
      source.test = cifar_split(source.path, false);
      break;
    case DataSet::mnist:
    case DataSet::fashion:
      source.train = idx_split(source.path, true);
      source.test = idx_split(source.path, false);
      break;
  }
  return source;
}

// What a modality takes from its source.
enum class Cut { kRegion, kChannel, kLuma, kChroma, kFeatures };

struct Modality {
  std::string name;
  size_t source = 0;
  Cut cut = Cut::kRegion;
  Region region;       // kRegion
  size_t channel = 0;  // kChannel
};

void check_layout(const ViewDescription& spec, const Source& source) {
  const Images& images = source.train.images;
  const bool rows = spec.layout == Layout::kHalvesV || spec.layout == Layout::kQuadrants;
  const bool cols = spec.layout == Layout::kHalvesH || spec.layout == Layout::kQuadrants;
  if ((rows && images.rows % 2 != 0) || (cols && images.cols % 2 != 0)) {
    throw Error(fmt::format("{}: images are {}x{}, which view {} cannot cut in equal parts",
                            source.path.string(), images.rows, images.cols, spec.name));
  }
  const bool colour = spec.layout == Layout::kChannels || spec.layout == Layout::kGrayColor;
  if (colour && images.channels != 3) {
    throw Error(fmt::format("{}: view {} needs RGB images, these have {} channel(s)",
                            source.path.string(), spec.name, images.channels));
  }
}

std::vector<Modality> modalities(const ViewDescription& spec, const std::vector<Source>& sources) {
  const size_t h = sources[0].train.images.rows;
  const size_t w = sources[0].train.images.cols;
  switch (spec.layout) {
    case Layout::kHalvesH:
      return {{"left", 0, Cut::kRegion, {0, 0, h, w / 2}},
              {"right", 0, Cut::kRegion, {0, w / 2, h, w / 2}}};
    case Layout::kHalvesV:
      return {{"top", 0, Cut::kRegion, {0, 0, h / 2, w}},
              {"bottom", 0, Cut::kRegion, {h / 2, 0, h / 2, w}}};
    case Layout::kQuadrants:
      return {{"top-left", 0, Cut::kRegion, {0, 0, h / 2, w / 2}},
              {"top-right", 0, Cut::kRegion, {0, w / 2, h / 2, w / 2}},
              {"bottom-left", 0, Cut::kRegion, {h / 2, 0, h / 2, w / 2}},
              {"bottom-right", 0, Cut::kRegion, {h / 2, w / 2, h / 2, w / 2}}};
    case Layout::kChannels:
      return {{"red", 0, Cut::kChannel, {}, 0},
              {"green", 0, Cut::kChannel, {}, 1},
              {"blue", 0, Cut::kChannel, {}, 2}};
    case Layout::kGrayColor:
      return {{"gray", 0, Cut::kLuma, {}}, {"color", 0, Cut::kChroma, {}}};
    case Layout::kWholePerSource:
      break;
    case Layout::kUserFiles:  // load_files_view reads these whole; there is nothing to cut
      QMF_CHECK(false, "view {} has no data set to cut", spec.name);
      break;
  }
  std::vector<Modality> whole;
  for (size_t s = 0; s < sources.size(); ++s) {
    const Images& images = sources[s].train.images;
    const Cut cut = images.count == 0 ? Cut::kFeatures : Cut::kRegion;
    whole.push_back(
        {std::string(data_set_name(sources[s].set)), s, cut, {0, 0, images.rows, images.cols}});
  }
  return whole;
}

// The features of modality m for the source rows `rows`, and their shape.
std::pair<Features, ImageShape> extract(const Modality& m, const SourceSplit& split,
                                        const std::vector<size_t>& rows) {
  const Images& images = split.images;
  switch (m.cut) {
    case Cut::kRegion:
      return {crop(images, rows, m.region), {m.region.rows, m.region.cols, images.channels}};
    case Cut::kChannel:
      return {channel_plane(images, rows, m.channel), {images.rows, images.cols, 1}};
    case Cut::kLuma:
      return {luma(images, rows), {images.rows, images.cols, 1}};
    case Cut::kChroma:
      return {chroma(images, rows), {images.rows, images.cols, 2}};
    case Cut::kFeatures:
      break;
  }
  Features x(static_cast<Eigen::Index>(rows.size()), split.features.cols());
  for (size_t i = 0; i < rows.size(); ++i)
    x.row(static_cast<Eigen::Index>(i)) = split.features.row(static_cast<Eigen::Index>(rows[i]));
  return {std::move(x), split.feature_shape};
}

const SourceSplit& split_of(const Source& source, bool train) {
  return train ? source.train : source.test;
}

// The class subset and the seeded limit of one split, the same for every view.
Selection narrow(Selection sel, const std::string& view, const ViewOptions& options, bool train) {
  if (!options.classes.empty()) sel = select_classes(sel, options.classes);
  Rng limit_rng =
      sample_rng(options.seed, train ? SampleStream::kLimitTrain : SampleStream::kLimitTest);
  sel = limit(sel, train ? options.train_limit : options.test_limit, limit_rng);
  if (sel.size() == 0) {
    throw Error(fmt::format("view {}: no {} samples are left after data.classes", view,
                            train ? "training" : "test"));
  }
  return sel;
}

Selection select_samples(const ViewDescription& spec, const std::vector<Source>& sources,
                         const ViewOptions& options, bool train) {
  Rng pair_rng =
      sample_rng(options.seed, train ? SampleStream::kPairTrain : SampleStream::kPairTest);
  Selection sel = sources.size() == 1 ? select_all(split_of(sources[0], train).labels)
                                      : pair_by_class(split_of(sources[0], train).labels,
                                                      split_of(sources[1], train).labels, pair_rng);
  return narrow(std::move(sel), spec.name, options, train);
}

// One split with the names, (after pooling) image shapes and placements of its modalities.
struct BuiltSplit {
  Split split;
  std::vector<std::string> names;
  std::vector<ImageShape> shapes;
  std::vector<ImagePlacement> placements;
};

// Where modality m, extracted in `shape`, lies in its source's pictures: a region at its place
// in the source's image, any other cut a whole picture.
ImagePlacement placement(const Modality& m, const SourceSplit& split, const ImageShape& shape) {
  if (m.cut != Cut::kRegion)
    return {.picture = m.source, .picture_rows = shape.rows, .picture_cols = shape.cols};
  return {.picture = m.source,
          .row = m.region.row0,
          .col = m.region.col0,
          .picture_rows = split.images.rows,
          .picture_cols = split.images.cols};
}

BuiltSplit build_split(const ViewDescription& spec, const std::vector<Source>& sources,
                       const ViewOptions& options, bool train) {
  const Selection sel = select_samples(spec, sources, options, train);
  BuiltSplit built;
  built.split.y = sel.y;
  for (const Modality& m : modalities(spec, sources)) {
    const SourceSplit& source = split_of(sources[m.source], train);
    auto [x, shape] = extract(m, source, sel.rows[m.source]);
    ImagePlacement place = placement(m, source, shape);
    if (options.pool) {
      x = pool2x2(x, shape);
      shape = {shape.rows / 2, shape.cols / 2, shape.channels};
      place = {place.picture, place.row / 2, place.col / 2, place.picture_rows / 2,
               place.picture_cols / 2};
    }
    built.split.x.push_back(std::move(x));
    built.names.push_back(m.name);
    built.shapes.push_back(shape);
    built.placements.push_back(place);
  }
  return built;
}

// Rows `rows` of every modality of `s`, in that order.
Split take_rows(const Split& s, const std::vector<size_t>& rows) {
  Split out;
  for (const Features& x : s.x) {
    Features part(static_cast<Eigen::Index>(rows.size()), x.cols());
    for (size_t i = 0; i < rows.size(); ++i)
      part.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(rows[i]));
    out.x.push_back(std::move(part));
  }
  for (size_t r : rows) out.y.push_back(s.y[r]);
  return out;
}

// Moves a seeded fraction of the training samples into a validation split (both keep their
// original relative order).
void hold_out(Multimodal& data, double fraction, uint64_t seed) {
  if (fraction <= 0) return;
  if (fraction >= 1) throw UsageError(fmt::format("data.validation: {} must be below 1", fraction));
  const size_t n = data.train.size();
  const auto held = static_cast<size_t>(std::llround(static_cast<double>(n) * fraction));
  if (held == 0 || held == n)
    throw UsageError(fmt::format("data.validation: {} of {} training samples leaves an empty split",
                                 fraction, n));
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng = sample_rng(seed, SampleStream::kValidation);
  rng.shuffle(order);
  std::vector<size_t> val(order.begin(), order.begin() + static_cast<long>(held));
  std::vector<size_t> train(order.begin() + static_cast<long>(held), order.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
  data.validation = take_rows(data.train, val);
  data.train = take_rows(data.train, train);
}

// Keeps the 1-based modalities `keep`, in that order (data.modalities), e.g. to train on one
// modality alone and see what fusion adds.
void keep_modalities(Multimodal& data, const std::vector<int>& keep) {
  if (keep.empty()) return;
  const size_t count = data.modality_names.size();
  Multimodal kept;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i] < 1 || static_cast<size_t>(keep[i]) > count) {
      throw UsageError(fmt::format("data.modalities: {} is outside [1, {}] for view {} ({})",
                                   keep[i], count, data.view,
                                   fmt::join(data.modality_names, ", ")));
    }
    if (std::find(keep.begin(), keep.begin() + static_cast<long>(i), keep[i]) !=
        keep.begin() + static_cast<long>(i)) {
      throw UsageError(fmt::format("data.modalities: {} is listed twice", keep[i]));
    }
    const auto m = static_cast<size_t>(keep[i] - 1);
    kept.modality_names.push_back(data.modality_names[m]);
    kept.image_shapes.push_back(data.image_shapes[m]);
    kept.placements.push_back(data.placements[m]);
    kept.train.x.push_back(std::move(data.train.x[m]));
    kept.test.x.push_back(std::move(data.test.x[m]));
  }
  data.modality_names = std::move(kept.modality_names);
  data.image_shapes = std::move(kept.image_shapes);
  data.placements = std::move(kept.placements);
  data.train.x = std::move(kept.train.x);
  data.test.x = std::move(kept.test.x);
}

// A built-in view up to (not including) the steps every view shares.
Multimodal load_builtin_view(const ViewDescription& spec, const ViewOptions& options) {
  check_classes(options.classes, kSourceClasses);
  Multimodal data;
  data.view = spec.name;
  data.classes =
      options.classes.empty() ? kSourceClasses : static_cast<int>(options.classes.size());
  data.class_names = keep_class_names(data_set_class_names(spec.sources.at(0)), options.classes);
  std::vector<Source> sources;
  for (const DataSet set : spec.sources) sources.push_back(load_source(set, options));
  check_layout(spec, sources[0]);
  BuiltSplit train = build_split(spec, sources, options, true);
  BuiltSplit test = build_split(spec, sources, options, false);
  if (train.shapes != test.shapes) {
    throw Error(fmt::format("view {}: train and test images in {} differ in size", spec.name,
                            options.dir.string()));
  }
  data.modality_names = std::move(train.names);
  data.image_shapes = std::move(train.shapes);
  data.placements = std::move(train.placements);
  data.train = std::move(train.split);
  data.test = std::move(test.split);
  return data;
}

// The samples of a user split that data.classes and the limits keep (relabelled).
Split narrow_user_split(const Split& split, const ViewOptions& options, bool train) {
  const Selection sel = narrow(select_all(split.y), options.view, options, train);
  Split out = take_rows(split, sel.rows[0]);
  out.y = sel.y;
  return out;
}

// The user's own data (data.files), likewise. Its modalities keep the shapes their arrays give
// (images from 3-D and 4-D .npy files, rows of features otherwise); none is pooled.
Multimodal load_files_view(const ViewDescription& spec, const ViewOptions& options) {
  if (options.files.empty()) {
    throw UsageError(
        "data.files: view files needs the directory of your data (with train/ and "
        "test/ subdirectories); set data.files=DIR");
  }
  if (options.pool) {
    throw UsageError(
        "data.pool: view files is read as it is written and never pooled; pool the "
        "arrays before saving them, or leave data.pool false");
  }
  UserFiles files = read_user_files(options.files);
  check_classes(options.classes, files.classes);
  Multimodal data;
  data.view = spec.name;
  data.classes = options.classes.empty() ? files.classes : static_cast<int>(options.classes.size());
  data.class_names = keep_class_names(files.class_names, options.classes);
  data.warnings = std::move(files.warnings);
  data.modality_names = std::move(files.modality_names);
  data.image_shapes = std::move(files.shapes);
  data.placements = own_pictures(data.image_shapes);
  data.train = narrow_user_split(files.train, options, true);
  data.test = narrow_user_split(files.test, options, false);
  return data;
}

}  // namespace

Multimodal load_view(const ViewOptions& options) {
  const ViewDescription& spec = describe_view(options.view);
  Multimodal data = spec.layout == Layout::kUserFiles ? load_files_view(spec, options)
                                                      : load_builtin_view(spec, options);
  keep_modalities(data, options.modalities);
  hold_out(data, options.validation, options.seed);
  corrupt(data.test, options.corrupt, options.seed);
  if (options.standardize) standardize(data.train, {&data.test, &data.validation});
  return data;
}

}  // namespace qmf::data
