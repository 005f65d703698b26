// A run directory's figures drawn from its records: curves.png (with and without a validation
// split) and confusion.png with class names that gnuplot must take as plain text, each a whole
// PNG; and a summary without a confusion matrix refused by name.
#include "report/run_figures.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/run_command.h"
#include "support/train_support.h"

namespace qmf::report {
namespace {

namespace fs = std::filesystem;

bool is_png(const fs::path& file) {
  const std::string bytes = testing::slurp(file);
  return bytes.starts_with("\x89PNG\r\n\x1a\n") &&
         bytes.ends_with(std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12));
}

class RunFigures : public ::testing::Test {
 protected:
  void write_run(bool validation, std::vector<std::vector<int64_t>> confusion) {
    std::vector<train::EpochRow> rows;
    for (int e = 1; e <= 3; ++e) {
      const double v = validation ? 0.5 + 0.1 * e : std::nan("");
      rows.push_back({.epoch = e,
                      .train_loss = 1.0 / e,
                      .train_acc = 0.4 + 0.1 * e,
                      .test_loss = 1.1 / e,
                      .test_acc = 0.35 + 0.1 * e,
                      .seconds = 1,
                      .train_seconds = 1,
                      .val_loss = v,
                      .val_acc = v});
    }
    write_file_atomic(dir() / "metrics.csv", train::metrics_csv(rows));
    train::RunSummary s{.model = "late", .view = "files", .epochs = 3};
    s.validation_samples = validation ? 10 : 0;
    s.class_names = {"it's", "a \"b\"", "c,d"};
    s.test_confusion = std::move(confusion);
    write_file_atomic(dir() / "summary.json", train::summary_json(s).dump(2));
  }
  fs::path dir() const { return tmp_.path(); }
  data::TempDir tmp_{"qmf-run-figures"};
};

TEST_F(RunFigures, CurvesAndConfusionAreWholePngs) {
  for (const bool validation : {false, true}) {
    write_run(validation, {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}});
    write_run_figures(dir());
    EXPECT_TRUE(is_png(dir() / "curves.png")) << validation;
    EXPECT_TRUE(is_png(dir() / "confusion.png")) << validation;
    const std::string script = testing::slurp(dir() / "figures.gp");
    EXPECT_EQ(testing::contains(script, "'validation'"), validation) << script;
    EXPECT_TRUE(testing::contains(script, "'it''s' 0")) << script;
  }
}

TEST_F(RunFigures, ASummaryWithoutAConfusionMatrixIsRefused) {
  write_run(false, {});
  try {
    write_run_figures(dir());
    FAIL() << "drew a confusion matrix it does not have";
  } catch (const Error& e) {
    EXPECT_TRUE(testing::contains(e.what(), "confusion")) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir() / "confusion.png"));
}

}  // namespace
}  // namespace qmf::report
