#include "data/views.h"

#include <algorithm>

#include <fmt/ranges.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/idx.h"
#include "data/image_features.h"
#include "data/selection.h"
#include "data/standardize.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

constexpr int kSourceClasses = 10;  // MNIST and Fashion-MNIST both have labels 0..9

// How a view cuts its source images into modalities.
enum class Layout { kHalvesH, kHalvesV, kQuadrants, kWholePerSource };

struct ViewSpec {
  std::string name;
  std::vector<std::string> sources;  // dataset subdirectories; one source per modality if whole
  Layout layout;
};

const std::vector<ViewSpec>& view_specs() {
  static const std::vector<ViewSpec> specs = [] {
    std::vector<ViewSpec> v;
    for (const char* source : {"mnist", "fashion"}) {
      const std::string s = source;
      v.push_back({s + "/split-h2", {s}, Layout::kHalvesH});
      v.push_back({s + "/split-v2", {s}, Layout::kHalvesV});
      v.push_back({s + "/split-q4", {s}, Layout::kQuadrants});
    }
    v.push_back({"mnist+fashion", {"mnist", "fashion"}, Layout::kWholePerSource});
    return v;
  }();
  return specs;
}

const ViewSpec& find_view(const std::string& name) {
  for (const ViewSpec& spec : view_specs()) {
    if (spec.name == name) return spec;
  }
  throw UsageError(
      fmt::format("unknown view '{}'; available views: {}", name, fmt::join(view_names(), ", ")));
}

void check_classes(const std::vector<int>& classes) {
  if (classes.empty()) return;
  if (classes.size() < 2) throw UsageError("data.classes: needs at least 2 classes");
  for (size_t i = 0; i < classes.size(); ++i) {
    if (classes[i] < 0 || classes[i] >= kSourceClasses) {
      throw UsageError(
          fmt::format("data.classes: {} is outside [0, {}]", classes[i], kSourceClasses - 1));
    }
    if (std::find(classes.begin(), classes.begin() + static_cast<long>(i), classes[i]) !=
        classes.begin() + static_cast<long>(i)) {
      throw UsageError(fmt::format("data.classes: {} is listed twice", classes[i]));
    }
  }
}

// One modality: a region of the images of one source.
struct Modality {
  std::string name;
  size_t source = 0;
  Region region;
};

// Halves and quadrants need even sides; the whole-image layout takes each source as it is.
void check_even_sides(const ViewSpec& spec, const IdxImages& images, const fs::path& source_dir) {
  const bool rows = spec.layout == Layout::kHalvesV || spec.layout == Layout::kQuadrants;
  const bool cols = spec.layout == Layout::kHalvesH || spec.layout == Layout::kQuadrants;
  if ((rows && images.rows % 2 != 0) || (cols && images.cols % 2 != 0)) {
    throw Error(fmt::format("{}: images are {}x{}, which view {} cannot cut in equal parts",
                            source_dir.string(), images.rows, images.cols, spec.name));
  }
}

std::vector<Modality> modalities(const ViewSpec& spec, const std::vector<IdxDataset>& sources) {
  const size_t h = sources[0].images.rows;
  const size_t w = sources[0].images.cols;
  switch (spec.layout) {
    case Layout::kHalvesH:
      return {{"left", 0, {0, 0, {h, w / 2}}}, {"right", 0, {0, w / 2, {h, w / 2}}}};
    case Layout::kHalvesV:
      return {{"top", 0, {0, 0, {h / 2, w}}}, {"bottom", 0, {h / 2, 0, {h / 2, w}}}};
    case Layout::kQuadrants:
      return {{"top-left", 0, {0, 0, {h / 2, w / 2}}},
              {"top-right", 0, {0, w / 2, {h / 2, w / 2}}},
              {"bottom-left", 0, {h / 2, 0, {h / 2, w / 2}}},
              {"bottom-right", 0, {h / 2, w / 2, {h / 2, w / 2}}}};
    case Layout::kWholePerSource:
      break;
  }
  std::vector<Modality> whole;
  for (size_t s = 0; s < sources.size(); ++s) {
    const IdxImages& images = sources[s].images;
    whole.push_back({spec.sources[s], s, {0, 0, {images.rows, images.cols}}});
  }
  return whole;
}

IdxDataset load_source(const fs::path& dir, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  const fs::path images = find_data_file(dir, prefix + "-images-idx3-ubyte");
  const fs::path labels = find_data_file(dir, prefix + "-labels-idx1-ubyte");
  return read_idx_dataset(images, labels, kSourceClasses - 1);
}

// Independent random streams for each purpose and split, all fixed by the one seed.
enum class Stream : uint64_t { kPairTrain = 1, kPairTest, kLimitTrain, kLimitTest, kValidation };

Rng stream_rng(uint64_t seed, Stream stream) {
  // splitmix64 finaliser: nearby seeds and streams give unrelated engine seeds.
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(stream);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return Rng(z ^ (z >> 31));
}

Selection select_samples(const ViewSpec& spec, const std::vector<IdxDataset>& sources,
                         const ViewOptions& options, bool train) {
  Rng pair_rng = stream_rng(options.seed, train ? Stream::kPairTrain : Stream::kPairTest);
  Selection sel = sources.size() == 1
                      ? select_all(sources[0].labels)
                      : pair_by_class(sources[0].labels, sources[1].labels, pair_rng);
  if (!options.classes.empty()) sel = select_classes(sel, options.classes);
  Rng limit_rng = stream_rng(options.seed, train ? Stream::kLimitTrain : Stream::kLimitTest);
  sel = limit(sel, train ? options.train_limit : options.test_limit, limit_rng);
  if (sel.size() == 0) {
    throw Error(fmt::format("view {}: no {} samples are left after data.classes", spec.name,
                            train ? "training" : "test"));
  }
  return sel;
}

// One split with the names and (after pooling) image shapes of its modalities.
struct BuiltSplit {
  Split split;
  std::vector<std::string> names;
  std::vector<ImageShape> shapes;
};

BuiltSplit load_split(const ViewSpec& spec, const ViewOptions& options, bool train) {
  std::vector<IdxDataset> sources;
  for (const std::string& source : spec.sources) {
    sources.push_back(load_source(options.dir / source, train));
  }
  check_even_sides(spec, sources[0].images, options.dir / spec.sources[0]);
  const Selection sel = select_samples(spec, sources, options, train);
  BuiltSplit built;
  built.split.y = sel.y;
  for (const Modality& m : modalities(spec, sources)) {
    Features x = crop(sources[m.source].images, sel.rows[m.source], m.region);
    ImageShape shape = m.region.shape;
    if (options.pool) {
      x = pool2x2(x, shape);
      shape = {shape.rows / 2, shape.cols / 2};
    }
    built.split.x.push_back(std::move(x));
    built.names.push_back(m.name);
    built.shapes.push_back(shape);
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
  const auto held = static_cast<size_t>(static_cast<double>(n) * fraction + 0.5);
  if (held == 0 || held == n)
    throw UsageError(fmt::format("data.validation: {} of {} training samples leaves an empty split",
                                 fraction, n));
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng = stream_rng(seed, Stream::kValidation);
  rng.shuffle(order);
  std::vector<size_t> val(order.begin(), order.begin() + static_cast<long>(held));
  std::vector<size_t> train(order.begin() + static_cast<long>(held), order.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
  data.validation = take_rows(data.train, val);
  data.train = take_rows(data.train, train);
}

bool same_shapes(const std::vector<ImageShape>& a, const std::vector<ImageShape>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](ImageShape p, ImageShape q) {
    return p.rows == q.rows && p.cols == q.cols;
  });
}

}  // namespace

const std::vector<std::string>& view_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const ViewSpec& spec : view_specs()) v.push_back(spec.name);
    return v;
  }();
  return names;
}

Multimodal load_view(const ViewOptions& options) {
  const ViewSpec& spec = find_view(options.view);
  check_classes(options.classes);
  Multimodal data;
  data.view = spec.name;
  data.classes =
      options.classes.empty() ? kSourceClasses : static_cast<int>(options.classes.size());
  BuiltSplit train = load_split(spec, options, true);
  BuiltSplit test = load_split(spec, options, false);
  if (!same_shapes(train.shapes, test.shapes)) {
    throw Error(fmt::format("view {}: train and test images in {} differ in size", spec.name,
                            options.dir.string()));
  }
  data.modality_names = std::move(train.names);
  data.image_shapes = std::move(train.shapes);
  data.train = std::move(train.split);
  data.test = std::move(test.split);
  hold_out(data, options.validation, options.seed);
  if (options.standardize) standardize(data.train, {&data.test, &data.validation});
  return data;
}

}  // namespace qmf::data
