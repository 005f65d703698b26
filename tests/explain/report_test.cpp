// The files of `qmf explain`: explain.json and explain.csv read back and checked against the
// explanation, the markdown report, and the figures (gnuplot) with their data files.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "explain_fixture.h"
#include "report/explain_report.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ExplainReportFiles : public qmf::testing::ExplainFixture {
 protected:
  report::ExplainReport make_report() const {
    return report::make_explain_report(explanation(), {.run = "runs/test",
                                                       .model = model().describe(),
                                                       .view = run().data.view,
                                                       .modality_names = run().data.modality_names,
                                                       .encoding = Encoding::amplitude,
                                                       .overrides = {"data.test_limit=40"}});
  }
  data::TempDir out_{"qmf-explain-report"};
};

TEST_F(ExplainReportFiles, JsonHoldsTheSummaryPerClassAndHistograms) {
  const auto r = make_report();
  report::write_explain_report(out_.path(), r);
  const json j = json::parse(qmf::testing::slurp(out_.path() / "explain.json"));
  EXPECT_EQ(j.at("view"), run().data.view);
  EXPECT_EQ(j.at("samples"), test().size());
  const json& summary = j.at("summary");
  EXPECT_DOUBLE_EQ(summary.at("accuracy").get<double>(), r.summary.overall.accuracy);
  const json& modalities = summary.at("modalities");
  ASSERT_EQ(modalities.size(), 2u);
  for (size_t m = 0; m < 2; ++m) {
    const auto& s = r.summary.overall.modalities[m];
    EXPECT_EQ(modalities[m].at("name"), run().data.modality_names[m]);
    EXPECT_DOUBLE_EQ(modalities[m].at("attribution").get<double>(), s.attribution);
    EXPECT_DOUBLE_EQ(modalities[m].at("attribution_mixed").get<double>(), s.attribution_mixed);
    EXPECT_DOUBLE_EQ(modalities[m].at("accuracy_ablated").get<double>(), s.accuracy_ablated);
    EXPECT_DOUBLE_EQ(modalities[m].at("accuracy_ablated_mixed").get<double>(), s.accuracy_mixed);
    EXPECT_DOUBLE_EQ(modalities[m].at("entropy_after_fusion").get<double>(), s.entropy_fusion);
    EXPECT_DOUBLE_EQ(modalities[m].at("entropy_after_circuit").get<double>(), s.entropy_circuit);
  }
  ASSERT_EQ(j.at("per_class").size(), 3u);
  size_t count = 0;
  for (const json& c : j.at("per_class")) {
    count += c.at("count").get<size_t>();
    EXPECT_EQ(c.at("modalities").size(), 2u);
  }
  EXPECT_EQ(count, test().size());
  const json& h = j.at("entropy_histograms");
  EXPECT_EQ(h.at("edges").size(), 21u);
  EXPECT_EQ(h.at("modalities").at(0).at("after_fusion").size(), 20u);
  ASSERT_EQ(j.at("examples").size(), 6u);
  EXPECT_EQ(j.at("examples").at(0).at("register_distributions").at(1).size(), 8u);
}

TEST_F(ExplainReportFiles, CsvHasOneRowPerSampleWithTheDocumentedColumns) {
  const auto r = make_report();
  report::write_explain_report(out_.path(), r);
  const auto rows = qmf::testing::read_csv(out_.path() / "explain.csv");
  ASSERT_EQ(rows.size(), test().size() + 1);
  const std::vector<std::string> head = {"index", "label", "prediction", "p_true",
                                         "p0",    "p1",    "p2"};
  ASSERT_EQ(rows[0].size(), head.size() + 2 * 6);
  for (size_t i = 0; i < head.size(); ++i) EXPECT_EQ(rows[0][i], head[i]);
  const std::string first = run().data.modality_names[0];
  EXPECT_EQ(rows[0][7], first + "_attribution");
  EXPECT_EQ(rows[0][11], first + "_pred_ablated");
  EXPECT_EQ(rows[0][12], first + "_pred_ablated_mixed");
  const auto& e = explanation();
  for (size_t i = 0; i < e.samples(); ++i) {
    const auto& row = rows[i + 1];
    ASSERT_EQ(row.size(), rows[0].size());
    EXPECT_EQ(std::stoi(row[1]), e.label[i]);
    EXPECT_EQ(std::stoi(row[2]), e.prediction[i]);
    EXPECT_NEAR(std::stod(row[3]), e.probs(static_cast<nn::Index>(i), e.label[i]), 1e-8);
    EXPECT_NEAR(std::stod(row[13]), e.attribution_uniform(static_cast<nn::Index>(i), 1), 1e-8);
  }
}

TEST_F(ExplainReportFiles, FiguresMarkdownAndDataFilesAreWritten) {
  report::write_explain_report(out_.path(), make_report());
  for (const char* name : {"samples", "attribution", "entropy"}) {
    for (const char* ext : {".png", ".svg", ".dat"}) {
      const fs::path p = out_.path() / (std::string(name) + ext);
      ASSERT_TRUE(fs::exists(p)) << p;
      EXPECT_GT(fs::file_size(p), 100u) << p;
    }
  }
  EXPECT_EQ(qmf::testing::slurp(out_.path() / "samples.png").substr(1, 3), "PNG");
  const std::string md = qmf::testing::slurp(out_.path() / "explain.md");
  for (const char* part : {"samples.png", "attribution.png", "entropy.png", "Accuracy",
                           "log(p(y) + 1e-10)", "maximally mixed", "--set data.test_limit=40"})
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
}

TEST_F(ExplainReportFiles, TerminalTableNamesEveryModality) {
  const std::string table = report::explain_table(make_report());
  for (const auto& name : run().data.modality_names) EXPECT_NE(table.find(name), std::string::npos);
  EXPECT_NE(table.find("accuracy"), std::string::npos);
}

}  // namespace
}  // namespace qmf
