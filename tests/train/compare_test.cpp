// qmf compare: study files, resumable runs, and the report files.
#include <gtest/gtest.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/run_lock.h"
#include "data/fetch/temp_dir.h"
#include "data/views/views.h"
#include "report/compare_report.h"
#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/compare.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

class CompareStudy : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fake_mnist(tmp_.path(), 200, 80, 3); }
  fs::path study(const std::string& text) {
    const fs::path f = tmp_.path() / "study.toml";
    std::ofstream(f) << text;
    return f;
  }
  std::string tiny() const {
    return "seeds = [0, 1]\n[base]\n\"data.dir\" = \"" + tmp_.path().string() +
           "\"\n\"data.classes\" = [0, 1, 2, 3]\n\"data.validation\" = 0.2\n\"model.k\" = 3\n"
           "\"train.threads\" = 1\n\"train.batch\" = 16\n"
           "[[models]]\nname = \"qmfnn\"\nset = { \"model.kind\" = \"qmfnn\" }\n"
           "[[models]]\nname = \"early-8\"\nset = { \"model.kind\" = \"early\", \"model.hidden\" = "
           "[8] }\n";
  }
  data::TempDir tmp_{"qmf-compare-test"};
};

TEST_F(CompareStudy, RunsEveryModelAndSeedAndWritesTheReport) {
  const Study s = load_study(study(tiny()));
  ASSERT_EQ(s.models.size(), 2u);
  testing::QuietProgress progress;
  const fs::path out = tmp_.path() / "out";
  const auto runs = run_study(s, {"train.epochs=2"}, out, progress);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].family, "qmfnn");
  EXPECT_EQ(runs[2].family, "early");
  EXPECT_GT(runs[0].quantum, 0u);
  EXPECT_EQ(runs[2].quantum, 0u);
  for (const auto& r : runs) {
    EXPECT_EQ(r.test_acc.size(), 2u);  // --set train.epochs=2 reached every model
    EXPECT_FALSE(std::isnan(r.val_acc));
  }
  report::write_compare_report(out, runs, "test study");
  const auto csv = testing::read_csv(out / "compare.csv");
  ASSERT_EQ(csv.size(), 5u);
  EXPECT_EQ(csv[0][0], "model");
  const std::string md = testing::slurp(out / "compare.md");
  EXPECT_NE(md.find("| qmfnn |"), std::string::npos);
  EXPECT_NE(md.find("| early-8 |"), std::string::npos);
  EXPECT_GT(fs::file_size(out / "accuracy_vs_params.png"), 1000u);
  EXPECT_NE(testing::slurp(out / "accuracy_vs_params.svg").find("<svg"), std::string::npos);
}

TEST_F(CompareStudy, ARerunTrainsOnlyWhatIsMissing) {
  const Study s = load_study(study(tiny()));
  const fs::path out = tmp_.path() / "out";
  {
    testing::QuietProgress progress;
    run_study(s, {"train.epochs=1"}, out, progress);
  }
  fs::remove(out / "runs" / "early-8-s1" / "summary.json");  // as if killed before the end
  testing::QuietProgress progress;
  const auto runs = run_study(s, {"train.epochs=1"}, out, progress);
  EXPECT_EQ(runs.size(), 4u);
  const std::string text = progress.text();
  EXPECT_EQ(text.find("qmfnn seed"), std::string::npos) << text;
  EXPECT_NE(text.find("early-8 seed 1"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(out / "runs" / "early-8-s1" / "summary.json"));
}

TEST_F(CompareStudy, BadStudyFilesNameTheProblem) {
  const auto message = [&](const std::string& text) {
    try {
      load_study(study(text));
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("[[models]]\nname = \"a\"\n").find("seeds"), std::string::npos);
  EXPECT_NE(message("seeds = [0]\n").find("models"), std::string::npos);
  EXPECT_NE(message("seeds = [0]\nepochs = 3\n[[models]]\nname = \"a\"\n").find("epochs"),
            std::string::npos);
  EXPECT_NE(
      message("seeds = [0]\n[[models]]\nname = \"a\"\n[[models]]\nname = \"a\"\n").find("twice"),
      std::string::npos);
  EXPECT_NE(message("seeds = [0]\n[[models]]\nname = \"a\"\nset = { \"model.nosuch\" = 1 }\n")
                .find("model.nosuch"),
            std::string::npos);
  EXPECT_NE(message("seeds = [0]\n[base]\n\"train.lr\" = -1\n[[models]]\nname = \"a\"\n")
                .find("train.lr"),
            std::string::npos);
  EXPECT_NE(message("seeds = [-1]\n[[models]]\nname = \"a\"\n").find("seeds"), std::string::npos);
  EXPECT_NE(message("seeds = [0\n").find("study.toml"), std::string::npos);
  // The file's own keys are named by file and line, not as a --set the user never typed.
  const auto expect_at = [&](const std::string& text, const std::string& place) {
    const std::string m = message(text);
    EXPECT_NE(m.find(place), std::string::npos) << m;
    EXPECT_EQ(m.find("--set"), std::string::npos) << m;
  };
  expect_at("seeds = [0]\n[base]\n\"model.kk\" = 4\n[[models]]\nname = \"a\"\n", "study.toml:3:");
  expect_at("seeds = [0]\n[[models]]\nname = \"a\"\nset = { \"model.k\" = \"four\" }\n",
            "study.toml:4:");
}

TEST_F(CompareStudy, StudyConfigLayersBaseThenSetThenModel) {
  const Study s = load_study(study(tiny()));
  const Config c = study_config(s, {"train.lr=0.5", "model.hidden=[4]"}, s.models[1], 7);
  EXPECT_EQ(c.train.lr, 0.5);
  EXPECT_EQ(c.model.hidden, std::vector<int>{8});  // the model's own set wins
  EXPECT_EQ(c.train.seed, 7u);
  EXPECT_EQ(c.data.validation, 0.2);
}

TEST(ValidationSplit, HeldOutOfTrainingDeterministicallyAndStandardisedWithTrainStatistics) {
  data::TempDir tmp("qmf-validation-test");
  testing::write_fake_mnist(tmp.path(), 300, 50, 4);
  data::ViewOptions o{.dir = tmp.path(), .validation = 0.2, .seed = 5};
  const auto a = data::load_view(o);
  EXPECT_EQ(a.validation.size(), 60u);
  EXPECT_EQ(a.train.size(), 240u);
  EXPECT_EQ(a.test.size(), 50u);
  const auto b = data::load_view(o);
  EXPECT_EQ(a.validation.y, b.validation.y);
  EXPECT_TRUE(a.validation.x[0].isApprox(b.validation.x[0]));
  o.seed = 6;
  const auto c = data::load_view(o);
  EXPECT_FALSE(a.validation.x[0].isApprox(c.validation.x[0]));
  o.standardize = true;
  const auto s = data::load_view(o);
  // Train columns have mean 0; validation uses the same map, so its mean is not forced to 0.
  const Eigen::MatrixXd train0 = s.train.x[0].cast<double>();
  EXPECT_LT(train0.colwise().mean().cwiseAbs().maxCoeff(), 1e-4);
  o.validation = 1.0;
  EXPECT_THROW(data::load_view(o), UsageError);
  o.validation = 0.001;  // rounds to no sample at all
  EXPECT_THROW(data::load_view(o), UsageError);
}

}  // namespace
}  // namespace qmf::train

namespace qmf::train {
namespace {

TEST_F(CompareStudy, ASecondCompareOnTheSameDirectoryIsRefused) {
  const Study s = load_study(study(tiny()));
  const fs::path out = tmp_.path() / "out";
  fs::create_directories(out);
  const DirLock held(out);  // as a running qmf compare holds it
  testing::QuietProgress progress;
  try {
    run_study(s, {}, out, progress);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is in use by pid"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out / "runs")) << "the refused study touched the runs";
}

// The study files docs/RESULTS.md runs (configs/ holds study files and plain run configs): a key
// misspelt or a value out of range would otherwise surface only when a study reaches that model.
TEST(ShippedStudies, EveryStudyFileInConfigsLoadsAndChecks) {
  int studies = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(QMF_SOURCE_DIR) / "configs")) {
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("[[models]]") == std::string::npos) continue;
    ++studies;
    EXPECT_NO_THROW(load_study(entry.path())) << entry.path();
  }
  EXPECT_GE(studies, 9);
}

}  // namespace
}  // namespace qmf::train
