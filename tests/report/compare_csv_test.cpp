// compare.csv is RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled,
// so every row keeps its columns whatever the names in it.
#include <gtest/gtest.h>

#include "report/compare_report.h"

namespace qmf::report {
namespace {

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("early-8+x.y_z"), "early-8+x.y_z");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(CompareCsv, NamesAreQuotedAndRowsKeepTheirColumns) {
  train::StudyRun run{.model = "odd,\"name\"",
                      .family = "qmfnn",
                      .seed = 3,
                      .classical = 10,
                      .quantum = 4,
                      .total = 14,
                      .test_acc = {0.5, 0.75},
                      .val_acc = 0.25,
                      .seconds = 1.5,
                      .epochs = 2};
  const std::string csv = compare_csv({run});
  EXPECT_EQ(csv,
            "model,family,seed,params_classical,params_quantum,params_total,test_acc_epoch1,"
            "test_acc_epoch2,val_acc,seconds\n"
            "\"odd,\"\"name\"\"\",qmfnn,3,10,4,14,0.500000,0.750000,0.250000,1.500\n");
}

}  // namespace
}  // namespace qmf::report
