// A study reads its runs' metrics.csv back by column name, and a malformed one is an error that
// names the file and line, not an exception from deep inside the standard library.
#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/train_support.h"
#include "train/compare.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

class StudyResults : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_fake_mnist(tmp_.path(), 60, 20, 5);
    study_ = parse_study(
        "seeds = [0]\n[base]\n\"data.dir\" = \"" + tmp_.path().string() +
            "\"\n\"data.classes\" = [0, 1]\n\"train.epochs\" = 2\n\"train.batch\" = 16\n"
            "\"train.threads\" = 1\n[[models]]\nname = \"a\"\n"
            "set = { \"model.kind\" = \"early\", \"model.hidden\" = [4] }\n",
        "study.toml");
    testing::QuietProgress progress;
    runs_ = run_study(study_, {}, out(), progress);
  }
  fs::path out() const { return tmp_.path() / "out"; }
  fs::path metrics() const { return out() / "runs" / "a-s0" / "metrics.csv"; }
  std::string error_after(const std::string& csv) {
    testing::write_text(metrics(), csv);
    testing::QuietProgress progress;
    try {
      run_study(study_, {}, out(), progress);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  data::TempDir tmp_{"qmf-study-results"};
  Study study_;
  std::vector<StudyRun> runs_;
};

TEST_F(StudyResults, TestAccuracyIsReadByColumnName) {
  ASSERT_EQ(runs_.size(), 1u);
  ASSERT_EQ(runs_[0].test_acc.size(), 2u);
  // Columns in another order: the reader follows the header.
  testing::write_text(metrics(), "test_acc,epoch\n0.25,1\n0.5,2\n");
  testing::QuietProgress progress;
  const auto runs = run_study(study_, {}, out(), progress);
  EXPECT_EQ(runs[0].test_acc, (std::vector<double>{0.25, 0.5}));
}

TEST_F(StudyResults, AMalformedMetricsFileIsNamedWithItsLine) {
  const std::string file = metrics().string();
  EXPECT_NE(error_after("epoch,test_acc\n1,0.5\n2,zero\n").find(file + ":3: malformed row"),
            std::string::npos);
  EXPECT_NE(error_after("epoch,test_acc\n1\n").find(file + ":2: malformed row"), std::string::npos);
  EXPECT_NE(error_after("epoch,loss\n1,0.5\n").find(file + ":1: no test_acc column"),
            std::string::npos);
  EXPECT_NE(error_after("epoch,test_acc\n").find(file + ": no epoch rows"), std::string::npos);
}

TEST(StudyNames, OnlyNamesSafeAsDirectoriesAndCsvCellsAreAccepted) {
  const auto error_for = [](const std::string& quoted_name) {
    try {
      parse_study("seeds = [0]\n[[models]]\nname = " + quoted_name + "\n", "study.toml");
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_for("\"qmfnn-k3_v1.2+x\""), "no error");
  EXPECT_NE(error_for("\"a/b\"").find("'/' is not allowed"), std::string::npos);
  EXPECT_NE(error_for("\"a\\\"b\"").find("'\"' is not allowed"), std::string::npos);
  EXPECT_NE(error_for("\"a b\"").find("byte 0x20 is not allowed"), std::string::npos);
  EXPECT_NE(error_for("\".hidden\"").find("starts with '.'"), std::string::npos);
  EXPECT_NE(error_for("\"-x\"").find("starts with '-'"), std::string::npos);
  EXPECT_NE(error_for("\"\"").find("every model needs a name"), std::string::npos);
}

}  // namespace
}  // namespace qmf::train
