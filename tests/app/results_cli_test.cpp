// What a researcher finds after training, from the command line: the run directory's figures,
// version and class names; `qmf eval --out` (eval.json, predictions.csv) checked against a
// confusion matrix recomputed here from the predictions; `qmf predict` on new files; relative
// data paths that still work from another directory; and the warning for an empty class.
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/version.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/feature_files.h"
#include "support/npy_write.h"
#include "support/run_command.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using qmf::testing::contains;
using qmf::testing::read_csv;
using qmf::testing::run_qmf;
using qmf::testing::slurp;
using Args = std::vector<std::string>;

const std::vector<std::string> kNames = {"cat", "dog", "bird, small"};

// A whole PNG: its signature, and its IEND chunk at the very end.
bool is_png(const fs::path& file) {
  const std::string bytes = slurp(file);
  return bytes.starts_with("\x89PNG\r\n\x1a\n") &&
         bytes.ends_with(std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12));
}

// One CSV line split on commas, with RFC 4180 quotes.
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted && ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += ch;
    }
  }
  return cells;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  for (const std::string& w : qmf::testing::split(line, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

std::vector<std::vector<std::string>> read_quoted_csv(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : qmf::testing::split(slurp(file), '\n'))
    rows.push_back(csv_cells(line));
  return rows;
}

class ResultsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-results-cli");
    const fs::path root = shared_->path();
    qmf::testing::write_feature_dataset(root / "mine", 3);
    qmf::testing::write_text(root / "mine" / "classes.txt", "cat\ndog\nbird, small\n");
    for (const char* kind : {"qmfnn", "late"}) {
      const auto r = run_qmf(train_args(kind, "mine", fs::path("runs") / kind), root, root);
      ASSERT_EQ(r.code, 0) << r.describe();
    }
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static Args train_args(const std::string& kind, const std::string& files, const fs::path& out,
                         int epochs = 3) {
    return {"train",
            "--set",
            "model.kind=" + kind,
            "--set",
            "data.view=files",
            "--set",
            "data.files=" + files,
            "--set",
            "data.standardize=true",
            "--set",
            "model.k=2",
            "--set",
            fmt::format("train.epochs={}", epochs),
            "--set",
            "train.batch=8",
            "--set",
            "train.threads=1",
            "--out",
            out.string()};
  }
  static fs::path root() { return shared_->path(); }
  static fs::path run(const std::string& kind) { return root() / "runs" / kind; }
  fs::path elsewhere() const {
    const fs::path dir = tmp_.path() / "elsewhere";
    fs::create_directories(dir);
    return dir;
  }
  qmf::testing::CommandResult qmf(const Args& args) const {
    return run_qmf(args, elsewhere(), tmp_.path() / "no-data");
  }

  static data::TempDir* shared_;
  data::TempDir tmp_{"qmf-results-case"};
};

data::TempDir* ResultsCli::shared_ = nullptr;

TEST_F(ResultsCli, RunDirectoryHoldsFiguresVersionCommitAndClassNames) {
  for (const char* kind : {"qmfnn", "late"}) {
    const fs::path dir = run(kind);
    EXPECT_TRUE(is_png(dir / "curves.png")) << kind;
    EXPECT_TRUE(is_png(dir / "confusion.png")) << kind;
    const json s = json::parse(slurp(dir / "summary.json"));
    EXPECT_EQ(s.at("qmf_version"), version());
    EXPECT_EQ(s.at("commit"), build_commit());
    EXPECT_FALSE(build_commit().empty());
    EXPECT_EQ(s.at("class_names").get<std::vector<std::string>>(), kNames);
    int64_t total = 0;
    for (const auto& row : s.at("test_confusion")) {
      ASSERT_EQ(row.size(), 3u);
      for (const auto& v : row) total += v.get<int64_t>();
    }
    EXPECT_EQ(total, 30);
    // The relative data.files was stored absolute.
    EXPECT_TRUE(contains(slurp(dir / "config.toml"), (root() / "mine").string()))
        << slurp(dir / "config.toml");
  }
  const auto v = qmf({"--version"});
  EXPECT_EQ(v.code, 0) << v.describe();
  EXPECT_TRUE(contains(v.out, version()) && contains(v.out, build_commit())) << v.out;
}

TEST_F(ResultsCli, EvalOutMetricsAgreeWithItsOwnPredictions) {
  for (const char* kind : {"qmfnn", "late"}) {
    const fs::path out = tmp_.path() / (std::string("eval-") + kind);
    const auto r = qmf({"eval", "--run", run(kind).string(), "--out", out.string()});
    ASSERT_EQ(r.code, 0) << r.describe();
    EXPECT_TRUE(contains(r.out, "bird, small") && contains(r.out, "macro")) << r.out;
    const json j = json::parse(slurp(out / "eval.json"));
    EXPECT_EQ(j.at("model"), kind);
    EXPECT_EQ(j.at("view"), "files");
    EXPECT_EQ(j.at("checkpoint").at("epochs"), 3);
    EXPECT_EQ(j.at("class_names").get<std::vector<std::string>>(), kNames);
    const auto rows = read_quoted_csv(out / "predictions.csv");
    ASSERT_EQ(rows.size(), 31u) << "a header and one row per test sample";
    EXPECT_EQ(rows[0], (std::vector<std::string>{"index", "true_label", "predicted_label",
                                                 "prob_cat", "prob_dog", "prob_bird, small"}));
    std::map<std::string, size_t> index_of;
    for (size_t c = 0; c < kNames.size(); ++c) index_of[kNames[c]] = c;
    std::vector<std::vector<int64_t>> confusion(3, std::vector<int64_t>(3, 0));
    size_t correct = 0;
    for (size_t i = 1; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].size(), 6u);
      EXPECT_EQ(rows[i][0], std::to_string(i - 1));
      double sum = 0, best = -1;
      size_t argmax = 0;
      for (size_t c = 0; c < 3; ++c) {
        const double p = std::stod(rows[i][3 + c]);
        sum += p;
        if (p > best) {
          best = p;
          argmax = c;
        }
      }
      EXPECT_NEAR(sum, 1.0, 1e-4);
      EXPECT_EQ(kNames[argmax], rows[i][2]);
      ++confusion.at(index_of.at(rows[i][1])).at(index_of.at(rows[i][2]));
      correct += rows[i][1] == rows[i][2];
    }
    EXPECT_EQ(j.at("confusion").get<std::vector<std::vector<int64_t>>>(), confusion);
    EXPECT_NEAR(j.at("accuracy").get<double>(), static_cast<double>(correct) / 30.0, 1e-12);
    double macro_f1 = 0;
    for (size_t c = 0; c < 3; ++c) {
      int64_t tp = confusion[c][c], predicted = 0, truth = 0;
      for (size_t k = 0; k < 3; ++k) {
        predicted += confusion[k][c];
        truth += confusion[c][k];
      }
      const json& m = j.at("per_class").at(c);
      EXPECT_EQ(m.at("class"), kNames[c]);
      EXPECT_EQ(m.at("support").get<int64_t>(), truth);
      const double precision = predicted ? static_cast<double>(tp) / predicted : 0.0;
      const double recall = truth ? static_cast<double>(tp) / truth : 0.0;
      const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
      EXPECT_NEAR(m.at("precision").get<double>(), precision, 1e-12);
      EXPECT_NEAR(m.at("recall").get<double>(), recall, 1e-12);
      EXPECT_NEAR(m.at("f1").get<double>(), f1, 1e-12);
      macro_f1 += f1 / 3;
    }
    EXPECT_NEAR(j.at("macro").at("f1").get<double>(), macro_f1, 1e-12);
    // Again into the same directory: an earlier evaluation is replaced.
    EXPECT_EQ(qmf({"eval", "--run", run(kind).string(), "--out", out.string()}).code, 0);
  }
  qmf::testing::write_text(tmp_.path() / "notes" / "keep.txt", "mine\n");
  const auto r =
      qmf({"eval", "--run", run("late").string(), "--out", (tmp_.path() / "notes").string()});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "eval.json")) << r.err;
  EXPECT_EQ(slurp(tmp_.path() / "notes" / "keep.txt"), "mine\n");
}

TEST_F(ResultsCli, PredictTakesNewFilesWithOrWithoutLabelsAndRefusesOtherWidths) {
  const fs::path labelled = tmp_.path() / "new";
  qmf::testing::write_feature_split(labelled,
                                    {.labels = qmf::testing::cycling_labels(12, 3), .seed = 9});
  const fs::path out = tmp_.path() / "pred.csv";
  auto r = qmf({"predict", "--run", run("qmfnn").string(), "--input", labelled.string(), "--out",
                out.string()});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.err, "accuracy")) << r.err;
  auto rows = read_quoted_csv(out);
  ASSERT_EQ(rows.size(), 13u);
  EXPECT_EQ(rows[0][1], "true_label");
  EXPECT_EQ(rows[1][1], "cat");

  const fs::path unlabelled = tmp_.path() / "unlabelled";
  qmf::testing::write_feature_split(
      unlabelled, {.labels = qmf::testing::cycling_labels(5, 3), .write_labels = false});
  r = qmf({"predict", "--run", run("late").string(), "--input", unlabelled.string()});
  ASSERT_EQ(r.code, 0) << r.describe();
  rows.clear();
  for (const auto& line : qmf::testing::split(r.out, '\n')) rows.push_back(csv_cells(line));
  ASSERT_EQ(rows.size(), 6u) << r.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"index", "predicted_label", "prob_cat", "prob_dog",
                                               "prob_bird, small"}));
  EXPECT_FALSE(contains(r.err, "accuracy")) << r.err;

  const fs::path wide = tmp_.path() / "wide";
  qmf::testing::write_feature_split(
      wide, {.widths = {4, 5}, .labels = qmf::testing::cycling_labels(5, 3)});
  r = qmf({"predict", "--run", run("qmfnn").string(), "--input", wide.string()});
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, (wide / "2-b.csv").string()) && contains(r.err, "5 features") &&
              contains(r.err, "takes 3"))
      << r.err;

  const fs::path one = tmp_.path() / "one";
  qmf::testing::write_feature_split(one,
                                    {.widths = {4}, .labels = qmf::testing::cycling_labels(5, 3)});
  r = qmf({"predict", "--run", run("qmfnn").string(), "--input", one.string()});
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, one.string()) && contains(r.err, "1-a, 2-b")) << r.err;

  // The right number of values in another arrangement: 3 x 1 images, not rows of 3 features.
  const fs::path tall = tmp_.path() / "tall";
  qmf::testing::write_feature_split(tall,
                                    {.widths = {4}, .labels = qmf::testing::cycling_labels(5, 3)});
  qmf::testing::write_bytes(tall / "2-b.npy", qmf::testing::npy_array<float>(
                                                  "<f4", "(5, 3, 1)", std::vector<float>(15, 0)));
  r = qmf({"predict", "--run", run("qmfnn").string(), "--input", tall.string()});
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, (tall / "2-b.npy").string()) && contains(r.err, "1 x 3 x 1") &&
              contains(r.err, "1 x 1 x 3"))
      << r.err;
}

TEST_F(ResultsCli, RelativeDataPathsStillWorkFromAnotherDirectoryAndEmptyClassesAreWarned) {
  // Labels 1..3: class 0 has no sample.
  const fs::path project = tmp_.path() / "project";
  qmf::testing::write_feature_dataset(project / "data", 3, 60, 30, 1);
  auto r = run_qmf(train_args("late", "data", "run", 1), project, project);
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.err, "warning") &&
              contains(r.err, (project / "data" / "train" / "labels.csv").string()) &&
              contains(r.err, "class 0 "))
      << r.err;
  const std::string at = (project / "run").string();
  r = qmf({"eval", "--run", at});
  EXPECT_EQ(r.code, 0) << r.describe();
  r = qmf({"train", "--resume", at, "--set", "train.epochs=2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_EQ(read_csv(project / "run" / "metrics.csv").size(), 3u);
  EXPECT_TRUE(is_png(project / "run" / "curves.png"));
}

TEST_F(ResultsCli, WithoutGnuplotTheRunSucceedsWithAOneLineNote) {
  const fs::path project = tmp_.path() / "project";
  qmf::testing::write_feature_dataset(project / "data", 3);
  fs::create_directories(project / "empty-path");
  // PATH holds no gnuplot; the run must still finish whole.
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string cmd = "cd ";
  cmd += qmf::testing::shell_quote(project.string());
  cmd += " && exec env PATH=";
  cmd += qmf::testing::shell_quote((project / "empty-path").string());
  cmd += ' ';
  cmd += qmf::testing::shell_quote(QMF_BINARY);
  for (const std::string& a : train_args("late", "data", "run", 1)) {
    cmd += ' ';
    cmd += qmf::testing::shell_quote(a);
  }
  cmd += " >/dev/null 2>";
  cmd += qmf::testing::shell_quote((project / "err.txt").string());
  const int status = std::system(cmd.c_str());
  const std::string err = slurp(project / "err.txt");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err;
  EXPECT_TRUE(fs::exists(project / "run" / "summary.json"));
  EXPECT_FALSE(fs::exists(project / "run" / "curves.png"));
  size_t notes = 0;
  for (const std::string& line : qmf::testing::split(err, '\n')) notes += contains(line, "note:");
  EXPECT_EQ(notes, 1u) << err;
  EXPECT_TRUE(contains(err, "no figures")) << err;
}

TEST_F(ResultsCli, ClassSubsetIsShownByItsOriginalLabels) {
  qmf::testing::write_fake_mnist(tmp_.path() / "data", 200, 60);
  auto r = run_qmf({"train", "--set", "data.classes=[3,5,8]", "--set", "model.k=2", "--set",
                    "train.epochs=1", "--set", "train.threads=1", "--out", "digits"},
                   tmp_.path(), tmp_.path() / "data");
  ASSERT_EQ(r.code, 0) << r.describe();
  const json s = json::parse(slurp(tmp_.path() / "digits" / "summary.json"));
  EXPECT_EQ(s.at("class_names").get<std::vector<std::string>>(),
            (std::vector<std::string>{"3", "5", "8"}));
  r = run_qmf({"eval", "--run", "digits"}, tmp_.path(), tmp_.path() / "data");
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto lines = qmf::testing::split(r.out.substr(r.out.find("confusion matrix")), '\n');
  ASSERT_EQ(lines.size(), 5u) << r.out;
  // The header row of the confusion matrix, then rows headed 3, 5, 8.
  EXPECT_EQ(words(lines[1]), (std::vector<std::string>{"3", "5", "8"})) << r.out;
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(words(lines[2 + i]).at(0), s.at("class_names")[i]);
  EXPECT_TRUE(contains(r.out, "macro")) << r.out;
}

}  // namespace
}  // namespace qmf
