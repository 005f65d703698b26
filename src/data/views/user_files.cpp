#include "data/views/user_files.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <optional>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/formats/csv_matrix.h"
#include "data/formats/npy.h"
#include "data/views/class_names.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

const std::string kLabels = "labels";

[[noreturn]] void fail(const fs::path& file, const std::string& problem) {
  throw Error(fmt::format("{}: {}", file.string(), problem));
}

// One numeric file of a split, named as the modality (or "labels") it holds.
struct DataFile {
  std::string name;
  fs::path path;
};

bool is_npy(const fs::path& file) {
  const std::string s = file.filename().string();
  return s.ends_with(".npy") || s.ends_with(".npy.gz");
}

// The file name without .npy / .csv (and a trailing .gz); nothing for any other file.
std::optional<std::string> data_name(const std::string& file_name) {
  std::string_view s = file_name;
  if (s.ends_with(".gz")) s.remove_suffix(3);
  if (!s.ends_with(".npy") && !s.ends_with(".csv")) return std::nullopt;
  s.remove_suffix(4);
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

void require_directory(const fs::path& dir, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) fail(dir, fmt::format("no such directory ({})", what));
  if (!fs::is_directory(dir, ec)) fail(dir, fmt::format("not a directory ({})", what));
}

// The split's data files in name order; hidden files and other extensions are skipped.
std::vector<DataFile> list_data_files(const fs::path& dir) {
  std::vector<DataFile> files;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string file_name = entry.path().filename().string();
    if (file_name.starts_with('.')) continue;
    std::optional<std::string> name = data_name(file_name);
    if (!name) continue;
    // Skipping it would silently drop a modality (or the labels) that the name announces,
    // whatever it is instead of a file: a directory, a FIFO, a dangling link.
    std::error_code kind_error;
    if (!entry.is_regular_file(kind_error)) {
      fail(entry.path(), fmt::format("is {}; data.files reads regular files only",
                                     describe_file_kind(entry.path())));
    }
    files.push_back({std::move(*name), entry.path()});
  }
  if (ec) fail(dir, fmt::format("cannot list the directory: {}", ec.message()));
  std::sort(files.begin(), files.end(), [](const DataFile& a, const DataFile& b) {
    return a.name != b.name ? a.name < b.name : a.path.filename() < b.path.filename();
  });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].name == files[i - 1].name) {
      fail(dir,
           fmt::format("both {} and {} hold '{}'; keep one", files[i - 1].path.filename().string(),
                       files[i].path.filename().string(), files[i].name));
    }
  }
  return files;
}

NumericArray read_array(const fs::path& file) {
  NumericArray a = is_npy(file) ? read_npy(file) : read_csv_matrix(file);
  if (a.rows == 0) fail(file, "holds no samples (0 rows)");
  if (a.cols == 0) fail(file, "holds no features (0 columns)");
  return a;
}

// Features are float: a value beyond FLT_MAX would silently become infinity.
Features to_features(const NumericArray& a, const fs::path& file) {
  Features x(static_cast<Eigen::Index>(a.rows), static_cast<Eigen::Index>(a.cols));
  for (size_t r = 0; r < a.rows; ++r) {
    for (size_t c = 0; c < a.cols; ++c) {
      const double v = a.at(r, c);
      if (std::fabs(v) > static_cast<double>(FLT_MAX)) {
        fail(file, fmt::format("value {} at row {}, column {} is too large for float", v, r, c));
      }
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = static_cast<float>(v);
    }
  }
  return x;
}

std::vector<int> to_labels(const NumericArray& a, const fs::path& file) {
  if (a.cols != 1) {
    fail(file, fmt::format("labels need one column (one label per sample), this has {}", a.cols));
  }
  std::vector<int> labels(a.rows);
  for (size_t r = 0; r < a.rows; ++r) {
    const double v = a.values[r];
    if (v != std::floor(v) || v < 0 || v >= kMaxUserClasses) {
      fail(file, fmt::format("label {} at row {} is not a whole number in [0, {}]", v, r,
                             kMaxUserClasses - 1));
    }
    labels[r] = static_cast<int>(v);
  }
  return labels;
}

// One split: its modality files (labels excluded) and their contents.
struct LoadedSplit {
  std::vector<DataFile> modalities;
  std::vector<ImageShape> shapes;  // each modality's sample shape
  Split split;
  fs::path labels_file;
};

// The split's data files (labels, when there, set apart) and their contents; without a labels
// file, y stays empty unless `labels_required`.
LoadedSplit load_split(const fs::path& dir, bool labels_required = true) {
  require_directory(dir, "data.files needs train/ and test/ subdirectories");
  std::vector<DataFile> files = list_data_files(dir);
  const auto labels_it =
      std::find_if(files.begin(), files.end(), [](const DataFile& f) { return f.name == kLabels; });
  fs::path labels_file;
  if (labels_it != files.end()) {
    labels_file = labels_it->path;
    files.erase(labels_it);
  } else if (labels_required) {
    fail(dir, "no labels file (labels.npy or labels.csv)");
  }
  if (files.empty()) fail(dir, "no modality files (.npy or .csv) besides the labels");

  LoadedSplit loaded{.modalities = std::move(files), .split = {}, .labels_file = labels_file};
  if (!labels_file.empty()) loaded.split.y = to_labels(read_array(labels_file), labels_file);
  for (const DataFile& f : loaded.modalities) {
    const NumericArray array = read_array(f.path);
    loaded.shapes.push_back(array.sample_shape);
    Features x = to_features(array, f.path);
    const size_t rows = loaded.split.x.empty() ? static_cast<size_t>(x.rows())
                                               : static_cast<size_t>(loaded.split.x[0].rows());
    if (!labels_file.empty() && static_cast<size_t>(x.rows()) != loaded.split.y.size()) {
      fail(f.path, fmt::format("{} rows, but {} holds {} labels", x.rows(), labels_file.string(),
                               loaded.split.y.size()));
    }
    if (static_cast<size_t>(x.rows()) != rows) {
      fail(f.path, fmt::format("{} rows, but {} has {}", x.rows(),
                               loaded.modalities[0].path.string(), rows));
    }
    loaded.split.x.push_back(std::move(x));
  }
  return loaded;
}

std::string shape_text(const ImageShape& s) {
  return fmt::format("{} x {} x {} (channels x rows x cols)", s.channels, s.rows, s.cols);
}

// train/ and test/ must hold the same modalities with the same feature counts.
void check_same_modalities(const LoadedSplit& train, const LoadedSplit& test,
                           const fs::path& test_dir) {
  for (const DataFile& f : test.modalities) {
    const auto in_train = std::find_if(train.modalities.begin(), train.modalities.end(),
                                       [&](const DataFile& t) { return t.name == f.name; });
    if (in_train == train.modalities.end()) {
      fail(f.path, fmt::format("modality '{}' is not in train/", f.name));
    }
  }
  for (size_t m = 0; m < train.modalities.size(); ++m) {
    const DataFile& t = train.modalities[m];
    if (m >= test.modalities.size() || test.modalities[m].name != t.name) {
      fail(test_dir, fmt::format("no file for modality '{}' (train/ has {})", t.name,
                                 t.path.filename().string()));
    }
    const auto train_cols = train.split.x[m].cols(), test_cols = test.split.x[m].cols();
    if (train_cols != test_cols) {
      fail(test.modalities[m].path, fmt::format("{} features per sample, but {} has {}", test_cols,
                                                t.path.string(), train_cols));
    }
    if (train.shapes[m] != test.shapes[m]) {
      fail(test.modalities[m].path,
           fmt::format("samples of shape {}, but {} has {}", shape_text(test.shapes[m]),
                       t.path.string(), shape_text(train.shapes[m])));
    }
  }
}

int max_label(const std::vector<int>& labels) {
  return *std::max_element(labels.begin(), labels.end());
}

// A class no training sample has cannot be learnt: usually labels that start at 1, or a
// classes.txt longer than the labels.
std::optional<std::string> empty_classes_warning(const LoadedSplit& train, int classes) {
  std::vector<int64_t> counts(static_cast<size_t>(classes), 0);
  for (const int y : train.split.y) ++counts[static_cast<size_t>(y)];
  std::vector<int> empty;
  for (int c = 0; c < classes; ++c)
    if (counts[static_cast<size_t>(c)] == 0) empty.push_back(c);
  if (empty.empty()) return std::nullopt;
  std::string list;
  for (const int c : empty) list += (list.empty() ? "" : ", ") + std::to_string(c);
  return fmt::format(
      "{}: no training sample of class{} {} (of 0..{}); the model has an output for every class "
      "up to the largest label, so labels should start at 0 and use every class",
      train.labels_file.string(), empty.size() == 1 ? "" : "es", list, classes - 1);
}

}  // namespace

UserSplit read_user_split(const fs::path& dir) {
  require_directory(dir, "the input data");
  LoadedSplit loaded = load_split(dir, false);
  UserSplit out;
  out.modality_names.reserve(loaded.modalities.size());
  out.files.reserve(loaded.modalities.size());
  for (const DataFile& f : loaded.modalities) {
    out.modality_names.push_back(f.name);
    out.files.push_back(f.path);
  }
  out.labels_file = loaded.labels_file;
  out.shapes = std::move(loaded.shapes);
  out.samples = static_cast<size_t>(loaded.split.x[0].rows());
  out.split = std::move(loaded.split);
  return out;
}

UserFiles read_user_files(const fs::path& dir) {
  require_directory(dir, "data.files");
  LoadedSplit train = load_split(dir / "train");
  LoadedSplit test = load_split(dir / "test");
  check_same_modalities(train, test, dir / "test");
  UserFiles out;
  for (const DataFile& f : train.modalities) out.modality_names.push_back(f.name);
  out.shapes = std::move(train.shapes);
  const int largest = std::max(max_label(train.split.y), max_label(test.split.y));
  std::error_code ec;
  if (fs::exists(dir / kClassNamesFile, ec)) {
    out.class_names = read_class_names(dir / kClassNamesFile, largest);
    out.classes = static_cast<int>(out.class_names.size());
  } else {
    out.classes = largest + 1;
    if (out.classes < 2) fail(dir, "every label is 0; classification needs at least 2 classes");
    out.class_names = numbered_class_names(out.classes);
  }
  if (auto warning = empty_classes_warning(train, out.classes))
    out.warnings.push_back(std::move(*warning));
  out.train = std::move(train.split);
  out.test = std::move(test.split);
  return out;
}

}  // namespace qmf::data
