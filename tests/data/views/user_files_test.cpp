// The user's own data (view `files`): a generated directory of .npy and .csv files read back,
// every rejection with the file it names, the shared view steps (classes, limits, modality
// subset, standardisation) applied to it, and `qmf train` on it from the command line.
#include "data/views/user_files.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/idx_write.h"
#include "data/views/views.h"
#include "support/npy_write.h"
#include "support/run_command.h"
#include "support/sim_support.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;
using qmf::testing::npy_array;
using qmf::testing::npy_f8;
using qmf::testing::write_bytes;
using qmf::testing::write_text;

constexpr int kClasses = 3;

int label_of(size_t i) { return static_cast<int>(i % kClasses); }

// Feature c of sample i in modality m: the label shows through, so a model can learn it, and
// the sample index shows too, so a test can tell which sample landed where.
double feature(size_t m, size_t i, size_t c) {
  return static_cast<double>(label_of(i)) * (c + 1.0) + 0.001 * static_cast<double>(i) + 10.0 * m;
}

// DIR/<split>/1-image.npy (n x 4, float32), 2-audio.csv (n x 3, with a header) and labels
// (int64 .npy for train, .csv for test).
void write_split(const fs::path& dir, size_t n, bool labels_as_csv) {
  std::vector<float> image;
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < 4; ++c) image.push_back(static_cast<float>(feature(0, i, c)));
  write_bytes(dir / "1-image.npy",
              npy_array<float>("<f4", "(" + std::to_string(n) + ", 4)", image));
  std::string audio = "a,b,c\n";
  for (size_t i = 0; i < n; ++i)
    audio += fmt::format("{},{},{}\n", feature(1, i, 0), feature(1, i, 1), feature(1, i, 2));
  write_text(dir / "2-audio.csv", audio);
  std::vector<int64_t> labels;
  for (size_t i = 0; i < n; ++i) labels.push_back(label_of(i));
  if (labels_as_csv) {
    std::string text = "label\n";
    for (int64_t y : labels) text += std::to_string(y) + "\n";
    write_text(dir / "labels.csv", text);
  } else {
    write_bytes(dir / "labels.npy",
                npy_array<int64_t>("<i8", "(" + std::to_string(n) + ",)", labels));
  }
}

// A one-column CSV of n equal values.
std::string column_csv(size_t n, const std::string& value) {
  std::string text;
  for (size_t i = 0; i < n; ++i) text += value + "\n";
  return text;
}

void write_dataset(const fs::path& dir, size_t train = 30, size_t test = 12) {
  write_split(dir / "train", train, false);
  write_split(dir / "test", test, true);
}

class UserFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { write_dataset(dir()); }
  fs::path dir() const { return tmp_.path() / "mine"; }
  fs::path train() const { return dir() / "train"; }
  fs::path test() const { return dir() / "test"; }
  // The message read_user_files throws, checked to name `file` and contain `problem`.
  void expect_error(const fs::path& file, const std::string& problem) const {
    const std::string msg = qmf::testing::error_message([&] { read_user_files(dir()); });
    EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(problem), std::string::npos) << msg;
  }

  TempDir tmp_{"qmf-user-files"};
};

TEST_F(UserFilesTest, ReadsModalitiesInFileNameOrder) {
  const UserFiles f = read_user_files(dir());
  EXPECT_EQ(f.modality_names, (std::vector<std::string>{"1-image", "2-audio"}));
  EXPECT_EQ(f.classes, kClasses);
  ASSERT_EQ(f.train.size(), 30u);
  ASSERT_EQ(f.test.size(), 12u);
  EXPECT_EQ(f.train.x[0].cols(), 4);
  EXPECT_EQ(f.train.x[1].cols(), 3);
  for (size_t i : {size_t{0}, size_t{17}, size_t{29}}) {
    EXPECT_EQ(f.train.y[i], label_of(i));
    EXPECT_FLOAT_EQ(f.train.x[0](static_cast<long>(i), 3), static_cast<float>(feature(0, i, 3)));
    EXPECT_FLOAT_EQ(f.train.x[1](static_cast<long>(i), 2), static_cast<float>(feature(1, i, 2)));
  }
  EXPECT_EQ(f.test.y[11], label_of(11));
}

TEST_F(UserFilesTest, IgnoresOtherFilesAndReadsGzip) {
  write_text(train() / "README.txt", "my notes");
  write_text(train() / ".3-hidden.npy", "not read");
  write_text(test() / "notes.md", "x");
  fs::create_directories(train() / "notes");  // a directory without a data file's name
  fs::remove(test() / "1-image.npy");
  const std::vector<float> v(12 * 4, 1.0f);
  write_file_bytes(test() / "1-image.npy.gz", npy_array<float>("<f4", "(12, 4)", v));
  const UserFiles f = read_user_files(dir());
  EXPECT_EQ(f.modality_names.size(), 2u);
  EXPECT_EQ(f.test.x[0](11, 3), 1.0f);
}

TEST_F(UserFilesTest, ADirectoryNamedLikeAModalityIsNamedNotSkipped) {
  fs::create_directories(train() / "3-audio.npy");
  try {
    read_user_files(dir());
    FAIL() << "a directory named like a modality was skipped";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("3-audio.npy: is a directory"), std::string::npos)
        << e.what();
  }
}

TEST_F(UserFilesTest, OneDimensionalModalityIsOneFeature) {
  write_bytes(train() / "3-scalar.npy",
              npy_array<double>("<f8", "(30,)", std::vector<double>(30, 2)));
  write_text(test() / "3-scalar.csv", column_csv(12, "5"));
  const UserFiles f = read_user_files(dir());
  ASSERT_EQ(f.modality_names.size(), 3u);
  EXPECT_EQ(f.train.x[2].cols(), 1);
  EXPECT_EQ(f.test.x[2](0, 0), 5.0f);
}

TEST_F(UserFilesTest, ImageArraysKeepTheirShapes) {
  write_bytes(train() / "3-photo.npy",
              npy_array<float>("<f4", "(30, 3, 4, 2)", std::vector<float>(30 * 24, 1)));
  write_bytes(test() / "3-photo.npy",
              npy_array<float>("<f4", "(12, 3, 4, 2)", std::vector<float>(12 * 24, 1)));
  write_bytes(train() / "4-gray.npy",
              npy_array<float>("<f4", "(30, 5, 5)", std::vector<float>(30 * 25, 1)));
  write_bytes(test() / "4-gray.npy",
              npy_array<float>("<f4", "(12, 5, 5)", std::vector<float>(12 * 25, 1)));
  const UserFiles f = read_user_files(dir());
  EXPECT_EQ(f.shapes, (std::vector<ImageShape>{{1, 4, 1}, {1, 3, 1}, {4, 2, 3}, {5, 5, 1}}));
  EXPECT_EQ(f.train.x[2].cols(), 24);
  // The same number of values in another shape is another modality.
  write_bytes(test() / "4-gray.npy",
              npy_array<float>("<f4", "(12, 25)", std::vector<float>(12 * 25, 1)));
  expect_error(test() / "4-gray.npy", "samples of shape 1 x 1 x 25");
}

TEST_F(UserFilesTest, FloatLabelsHoldingWholeNumbersAreAccepted) {
  std::vector<double> y;
  for (size_t i = 0; i < 30; ++i) y.push_back(label_of(i));
  y[4] = 4;  // classes = largest label + 1, over both splits
  fs::remove(train() / "labels.npy");
  write_bytes(train() / "labels.npy", npy_f8(30, 1, y));
  const UserFiles f = read_user_files(dir());
  EXPECT_EQ(f.train.y[4], 4);
  EXPECT_EQ(f.classes, 5);
}

TEST_F(UserFilesTest, RejectsLabelsThatAreNotWholeNumbersAtLeastZero) {
  for (double bad : {1.5, -1.0, 1e6}) {
    std::vector<double> y(30, 0);
    y[7] = bad;
    write_bytes(train() / "labels.npy", npy_f8(30, 1, y));
    expect_error(train() / "labels.npy", "at row 7 is not a whole number in [0, 9999]");
  }
  write_bytes(train() / "labels.npy", npy_f8(15, 2, std::vector<double>(30, 0)));
  expect_error(train() / "labels.npy", "labels need one column");
}

TEST_F(UserFilesTest, RejectsASingleClass) {
  write_bytes(train() / "labels.npy", npy_f8(30, 1, std::vector<double>(30, 0)));
  fs::remove(test() / "labels.csv");
  write_bytes(test() / "labels.npy", npy_f8(12, 1, std::vector<double>(12, 0)));
  expect_error(dir(), "at least 2 classes");
}

TEST_F(UserFilesTest, RejectsMissingDirectories) {
  fs::remove_all(test());
  expect_error(test(), "no such directory");
  fs::remove_all(dir());
  expect_error(dir(), "no such directory (data.files)");
  write_text(dir(), "a file");
  expect_error(dir(), "not a directory");
}

TEST_F(UserFilesTest, RejectsASplitWithoutLabelsOrModalities) {
  fs::remove(test() / "labels.csv");
  expect_error(test(), "no labels file (labels.npy or labels.csv)");
  write_text(test() / "labels.csv", "1\n");
  fs::remove(test() / "1-image.npy");
  fs::remove(test() / "2-audio.csv");
  expect_error(test(), "no modality files");
}

TEST_F(UserFilesTest, RejectsModalitiesMissingFromOneSplit) {
  fs::remove(test() / "1-image.npy");
  expect_error(test(), "no file for modality '1-image' (train/ has 1-image.npy)");
  write_dataset(dir());
  write_text(test() / "0-extra.csv", column_csv(12, "1"));
  expect_error(test() / "0-extra.csv", "modality '0-extra' is not in train/");
}

TEST_F(UserFilesTest, RejectsDifferentFeatureCounts) {
  write_bytes(test() / "1-image.npy", npy_f8(12, 5, std::vector<double>(60, 0)));
  expect_error(test() / "1-image.npy",
               "5 features per sample, but " + (train() / "1-image.npy").string() + " has 4");
}

TEST_F(UserFilesTest, RejectsTwoFilesForOneName) {
  write_text(train() / "1-image.csv", "1\n");
  expect_error(train(), "both 1-image.csv and 1-image.npy hold '1-image'; keep one");
}

TEST_F(UserFilesTest, RejectsEmptyArrays) {
  write_bytes(train() / "1-image.npy",
              qmf::testing::npy_file(qmf::testing::npy_dict("<f4", "(0, 4)"), {}));
  expect_error(train() / "1-image.npy", "holds no samples");
  write_bytes(train() / "1-image.npy",
              qmf::testing::npy_file(qmf::testing::npy_dict("<f4", "(30, 0)"), {}));
  expect_error(train() / "1-image.npy", "holds no features");
}

TEST_F(UserFilesTest, RejectsRowCountsThatDifferFromTheLabels) {
  write_text(test() / "2-audio.csv", "1,2,3\n4,5,6\n");
  expect_error(test() / "2-audio.csv",
               "2 rows, but " + (test() / "labels.csv").string() + " holds 12 labels");
}

TEST_F(UserFilesTest, RejectsValuesTooLargeForFloat) {
  std::vector<double> v(120, 0);
  v[4 * 3 + 2] = -1e39;
  write_bytes(train() / "1-image.npy", npy_f8(30, 4, v));
  expect_error(train() / "1-image.npy", "value -1e+39 at row 3, column 2 is too large for float");
}

TEST_F(UserFilesTest, NaNInEitherFormatNamesTheFileAndPlace) {
  write_text(test() / "2-audio.csv", "a,b,c\n1,2,nan\n");
  expect_error(test() / "2-audio.csv", ":2:5: NaN is not allowed");
  write_dataset(dir());
  std::vector<double> v(120, 0);
  v[5] = std::nan("");
  write_bytes(train() / "1-image.npy", npy_f8(30, 4, v));
  expect_error(train() / "1-image.npy", "NaN at row 1, column 1");
}

// ---------------------------------------------------------------------------------------------
// load_view on view files: the same class subset, limits, modality subset, validation and
// standardisation as the built-in views.

class FilesView : public UserFilesTest {
 protected:
  ViewOptions options() const {
    ViewOptions o;
    o.view = "files";
    o.files = dir();
    o.dir = tmp_.path() / "unused";  // view files never looks in the data directory
    return o;
  }
};

TEST_F(FilesView, IsListedAndLoadsAsIs) {
  const auto& names = view_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "files"), names.end());
  const Multimodal d = load_view(options());
  EXPECT_EQ(d.view, "files");
  EXPECT_EQ(d.classes, kClasses);
  EXPECT_EQ(d.modality_names, (std::vector<std::string>{"1-image", "2-audio"}));
  EXPECT_EQ(d.image_shapes, (std::vector<ImageShape>{{1, 4, 1}, {1, 3, 1}}));
  EXPECT_EQ(d.dims(), (std::vector<size_t>{4, 3}));
  EXPECT_EQ(d.train.size(), 30u);
  EXPECT_EQ(d.test.size(), 12u);
}

TEST_F(FilesView, ClassesAreSubsetAndRelabelled) {
  ViewOptions o = options();
  o.classes = {2, 0};
  const Multimodal d = load_view(o);
  EXPECT_EQ(d.classes, 2);
  EXPECT_EQ(d.train.size(), 20u);
  for (size_t i = 0; i < d.train.size(); ++i) {
    // Feature 0 of modality 0 is the original label plus 0.001 x the sample index.
    const float f = d.train.x[0](static_cast<long>(i), 0);
    const int original = static_cast<int>(std::floor(f + 1e-6f));
    EXPECT_EQ(d.train.y[i], original == 2 ? 0 : 1) << i;
  }
  o.classes = {0, 3};
  const std::string msg = qmf::testing::error_message([&] { load_view(o); });
  EXPECT_NE(msg.find("data.classes: 3 is outside [0, 2]"), std::string::npos) << msg;
}

TEST_F(FilesView, LimitsModalitySubsetValidationAndStandardisation) {
  ViewOptions o = options();
  o.train_limit = 20;
  o.test_limit = 5;
  o.modalities = {2};
  o.validation = 0.25;
  o.standardize = true;
  o.seed = 3;
  const Multimodal d = load_view(o);
  EXPECT_EQ(d.train.size(), 15u);
  EXPECT_EQ(d.validation.size(), 5u);
  EXPECT_EQ(d.test.size(), 5u);
  EXPECT_EQ(d.modality_names, (std::vector<std::string>{"2-audio"}));
  EXPECT_EQ(d.image_shapes, (std::vector<ImageShape>{{1, 3, 1}}));
  ASSERT_EQ(d.train.x.size(), 1u);
  for (long c = 0; c < 3; ++c) {
    EXPECT_NEAR(d.train.x[0].col(c).mean(), 0.0f, 1e-4f) << "column " << c;
  }
}

TEST_F(FilesView, SettingErrorsNameTheirKeys) {
  ViewOptions o = options();
  o.files.clear();
  EXPECT_THROW(load_view(o), UsageError);
  EXPECT_NE(qmf::testing::error_message([&] { load_view(o); }).find("data.files"),
            std::string::npos);
  o = options();
  o.pool = true;
  EXPECT_THROW(load_view(o), UsageError);
  EXPECT_NE(qmf::testing::error_message([&] { load_view(o); }).find("data.pool"),
            std::string::npos);
  o = options();
  o.modalities = {3};
  EXPECT_NE(qmf::testing::error_message([&] { load_view(o); }).find("data.modalities: 3"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// `qmf train` on view files, as a user runs it.

TEST_F(UserFilesTest, CliTrainsOneEpochOnFiles) {
  const fs::path cwd = tmp_.path() / "cwd";
  fs::create_directories(cwd);
  const qmf::testing::CommandResult r = qmf::testing::run_qmf(
      {"train", "--out", "run", "--set", "data.view=files", "--set", "data.files=" + dir().string(),
       "--set", "model.k=2", "--set", "train.epochs=1", "--set", "train.batch=8", "--set",
       "train.threads=1"},
      cwd, cwd / "no-data-here");
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(fs::exists(cwd / "run" / "summary.json")) << r.describe();
  EXPECT_FALSE(fs::exists(cwd / "no-data-here")) << "view files fetched something";
}

TEST_F(UserFilesTest, CliBadFileExits1NamingIt) {
  write_text(test() / "2-audio.csv", "a,b,c\n1,2,oops\n");
  const fs::path cwd = tmp_.path() / "cwd";
  fs::create_directories(cwd);
  const qmf::testing::CommandResult r =
      qmf::testing::run_qmf({"train", "--out", "run", "--set", "data.view=files", "--set",
                             "data.files=" + dir().string(), "--set", "train.epochs=1"},
                            cwd, cwd / "no-data-here");
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_NE(r.err.find((test() / "2-audio.csv").string() + ":2:5: 'oops' is not a number"),
            std::string::npos)
      << r.describe();
}

TEST_F(UserFilesTest, CliWithoutDataFilesExits2NamingTheKey) {
  const fs::path cwd = tmp_.path() / "cwd";
  fs::create_directories(cwd);
  const qmf::testing::CommandResult r =
      qmf::testing::run_qmf({"train", "--set", "data.view=files"}, cwd, cwd / "no-data-here");
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_NE(r.err.find("data.files"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace qmf::data
