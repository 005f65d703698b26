// accuracy_vs_params: a complete PNG and SVG, one legend entry per model (no labels in the plot
// to overlap), a colour per family, and an accuracy axis that never leaves 0-100 %.
#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "report/compare_report.h"
#include "support/png_check.h"
#include "support/train_support.h"

namespace qmf::report {
namespace {

// Two seeds of `model`: accuracies mean +- spread, so the error bar reaches mean +- spread.
void add_runs(std::vector<train::StudyRun>& runs, const std::string& model,
              const std::string& family, size_t params, double mean, double spread) {
  for (uint64_t seed : {0, 1}) {
    const double acc = seed == 0 ? mean - spread : mean + spread;
    runs.push_back({.model = model,
                    .family = family,
                    .seed = seed,
                    .classical = params,
                    .quantum = 0,
                    .total = params,
                    .test_acc = {acc},
                    .val_acc = 0.5,
                    .seconds = 1,
                    .epochs = 1});
  }
}

std::vector<train::StudyRun> study_near_the_ends() {
  std::vector<train::StudyRun> runs;
  add_runs(runs, "qmfnn", "qmfnn", 12'638, 0.97, 0.05);  // the bar goes above 100 %
  add_runs(runs, "qmfnn-expval", "qmfnn", 12'688, 0.96, 0.01);
  add_runs(runs, "early-32", "early", 25'450, 0.02, 0.03);  // and below 0 %
  add_runs(runs, "late-32", "late", 25'492, 0.95, 0.01);
  add_runs(runs, "lmf-16-r4", "lmf", 14'000, 0.94, 0.01);
  add_runs(runs, "tfn-16", "tfn", 15'476, 0.95, 0.01);
  return runs;
}

TEST(CompareFigure, IsCompleteWithALegendEntryPerModelAndColourPerFamily) {
  data::TempDir dir("qmf-compare-figure");
  write_compare_report(dir.path(), study_near_the_ends(), "mnist/split-h2, 1 epoch(s)");
  EXPECT_TRUE(testing::is_complete_png(dir.path() / "accuracy_vs_params.png"));
  EXPECT_TRUE(testing::slurp(dir.path() / "accuracy_vs_params.svg").find("</svg>") !=
              std::string::npos);
  const std::string script = testing::slurp(dir.path() / "plot.gp");
  EXPECT_EQ(script.find("with labels"), std::string::npos) << script;
  for (const char* title : {"title 'qmfnn'", "title 'qmfnn-expval'", "title 'early-32'",
                            "title 'late-32'", "title 'lmf-16-r4'", "title 'tfn-16'"})
    EXPECT_NE(script.find(title), std::string::npos) << title << "\n" << script;
  EXPECT_NE(script.find("set xlabel"), std::string::npos);
  EXPECT_NE(script.find("set ylabel"), std::string::npos);

  // The colour of each entry, by family: the same within one, different between them.
  const std::regex entry("lc rgb '(#[0-9a-f]{6})' pt \\d+ ps [0-9.]+ lw \\d+ title '([a-z0-9-]+)'");
  std::map<std::string, std::string> colour;
  for (std::sregex_iterator it(script.begin(), script.end(), entry), end; it != end; ++it)
    colour[(*it)[2]] = (*it)[1];
  ASSERT_EQ(colour.size(), 6u) << script;
  EXPECT_EQ(colour["qmfnn"], colour["qmfnn-expval"]);
  const std::set<std::string> families = {colour["qmfnn"], colour["early-32"], colour["late-32"],
                                          colour["lmf-16-r4"], colour["tfn-16"]};
  EXPECT_EQ(families.size(), 5u) << script;
}

TEST(CompareFigure, AccuracyAxisStaysInsideZeroToHundred) {
  data::TempDir dir("qmf-compare-figure");
  write_compare_report(dir.path(), study_near_the_ends(), "ends");
  const std::string script = testing::slurp(dir.path() / "plot.gp");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(script, m, std::regex("set yrange \\[([-0-9.]+):([-0-9.]+)\\]")))
      << script;
  EXPECT_EQ(std::stod(m[1]), 0.0);
  EXPECT_EQ(std::stod(m[2]), 100.0);

  // A study in a narrow band gets a sub-range around it, still inside 0-100.
  std::vector<train::StudyRun> narrow;
  add_runs(narrow, "qmfnn", "qmfnn", 12'638, 0.90, 0.01);
  add_runs(narrow, "early-32", "early", 25'450, 0.93, 0.01);
  write_compare_report(dir.path(), narrow, "narrow");
  const std::string sub = testing::slurp(dir.path() / "plot.gp");
  ASSERT_TRUE(std::regex_search(sub, m, std::regex("set yrange \\[([-0-9.]+):([-0-9.]+)\\]")));
  EXPECT_GE(std::stod(m[1]), 80.0);
  EXPECT_LE(std::stod(m[1]), 89.0);
  EXPECT_GE(std::stod(m[2]), 94.0);
  EXPECT_LE(std::stod(m[2]), 100.0);
  EXPECT_TRUE(testing::is_complete_png(dir.path() / "accuracy_vs_params.png"));
}

}  // namespace
}  // namespace qmf::report
