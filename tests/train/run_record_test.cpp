// A run's records go to disk and come back by name: epoch rows through the checkpoint's history
// and metrics.csv, the summary through summary.json.
#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/file_write.h"
#include "train/run_record.h"

namespace qmf::train {
namespace {

EpochRow row(int epoch, double val) {
  return {.epoch = epoch,
          .train_loss = 0.5 + epoch,
          .train_acc = 0.25,
          .test_loss = 0.125,
          .test_acc = 0.875,
          .seconds = 1.5,
          .train_seconds = 1.25,
          .val_loss = val,
          .val_acc = val};
}

void expect_same(const EpochRow& a, const EpochRow& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.train_loss, b.train_loss);
  EXPECT_EQ(a.train_acc, b.train_acc);
  EXPECT_EQ(a.test_loss, b.test_loss);
  EXPECT_EQ(a.test_acc, b.test_acc);
  EXPECT_EQ(a.seconds, b.seconds);
  EXPECT_EQ(a.train_seconds, b.train_seconds);
  EXPECT_EQ(std::isnan(a.val_acc), std::isnan(b.val_acc));
  if (!std::isnan(a.val_acc)) EXPECT_EQ(a.val_acc, b.val_acc);
}

TEST(RunRecord, HistoryRoundTripsByNameWithAndWithoutValidation) {
  const std::vector<EpochRow> rows{row(1, std::nan("")), row(2, 0.75)};
  const nlohmann::json j = history_json(rows);
  EXPECT_EQ(j.at(0).at("train_loss"), 1.5);
  EXPECT_TRUE(j.at(0).at("val_acc").is_null());
  const std::vector<EpochRow> back = history_from_json(j, "c.qmf");
  ASSERT_EQ(back.size(), 2u);
  expect_same(back[0], rows[0]);
  expect_same(back[1], rows[1]);
}

TEST(RunRecord, HistoryOfAnOlderCheckpointIsReadByPosition) {
  const auto old = nlohmann::json::parse("[[1, 1.5, 0.25, 0.125, 0.875, 1.5, 1.25, null, null]]");
  const std::vector<EpochRow> back = history_from_json(old, "c.qmf");
  ASSERT_EQ(back.size(), 1u);
  expect_same(back[0], row(1, std::nan("")));
}

TEST(RunRecord, AMalformedHistoryNamesTheCheckpoint) {
  const auto bad = nlohmann::json::parse(R"([{"epoch": 1, "train_loss": "x"}])");
  try {
    history_from_json(bad, "run/checkpoint.qmf");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("run/checkpoint.qmf: checkpoint has no valid training "
                                         "history"),
              std::string::npos)
        << e.what();
  }
}

TEST(RunRecord, MetricsColumnsAreFoundByName) {
  const data::TempDir tmp("qmf-run-record");
  const auto file = tmp.path() / "metrics.csv";
  testing::write_text(file, metrics_csv({row(1, std::nan("")), row(2, 0.75)}));
  EXPECT_EQ(read_metrics_column(file, "test_acc"), (std::vector<double>{0.875, 0.875}));
  EXPECT_EQ(read_metrics_column(file, "train_loss"), (std::vector<double>{1.5, 2.5}));
  EXPECT_EQ(read_metrics_column(file, "epoch"), (std::vector<double>{1, 2}));
  try {
    read_metrics_column(file, "nope");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), file.string() + ":1: no nope column in the header");
  }
}

TEST(RunRecord, SummaryRoundTripsEveryField) {
  const RunSummary s{.model = "qmfnn",
                     .view = "mnist/split-h2",
                     .epochs = 3,
                     .test_accuracy = 0.9,
                     .test_loss = 0.3,
                     .train_seconds = 12.5,
                     .samples_per_second = 400,
                     .params = {100, 20, 120},
                     .qubits = 8,
                     .seed = 18446744073709551615ULL,
                     .threads = 2,
                     .precision = "double",
                     .isa = "avx2",
                     .validation_accuracy = std::nan(""),
                     .validation_loss = 0.5,
                     .train_samples = 1000,
                     .validation_samples = 0,
                     .test_samples = 200,
                     .structure = "ffn 392-8"};
  const nlohmann::json j = summary_json(s);
  EXPECT_TRUE(j.at("validation_accuracy").is_null());
  EXPECT_EQ(j.at("params").at("total"), 120);
  const RunSummary back = summary_from_json(nlohmann::json::parse(j.dump()), "summary.json");
  EXPECT_EQ(summary_json(back), j);
  EXPECT_EQ(back.seed, s.seed);
}

TEST(RunRecord, ASummaryMissingAKeyNamesTheFileAndTheKey) {
  nlohmann::json j = summary_json({});
  j.erase("train_seconds");
  try {
    summary_from_json(j, "runs/a/summary.json");
    FAIL() << "accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("runs/a/summary.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("train_seconds"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace qmf::train
