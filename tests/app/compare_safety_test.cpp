// `qmf compare` never overwrites or mixes into a directory that is not its study's own, and
// refuses up front what would make its table wrong or fail after the work (exit 2, named).
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;
using qmf::testing::file_names;
using qmf::testing::slurp;

class CompareSafety : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-compare-safety");
    qmf::testing::write_fake_mnist(shared_->path(), 60, 20);
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  // A study of `models` ([[models]] entries) on the generated data, one epoch, tiny.
  fs::path study(const std::string& file, const std::string& models,
                 const std::string& seeds = "[0]", const std::string& base = "") const {
    const fs::path p = cwd_.path() / file;
    qmf::testing::write_text(
        p, "seeds = " + seeds + "\n[base]\n\"data.dir\" = \"" + shared_->path().string() +
               "\"\n\"data.classes\" = [0, 1]\n\"model.k\" = 2\n\"train.epochs\" = 1\n"
               "\"train.batch\" = 16\n\"train.threads\" = 1\n" +
               base + models);
    return p;
  }
  static std::string model(const std::string& name, const std::string& set = "") {
    return "[[models]]\nname = \"" + name +
           "\"\nset = { \"model.kind\" = \"early\", "
           "\"model.hidden\" = [4]" +
           set + " }\n";
  }

  CommandResult compare(const fs::path& study_file, std::vector<std::string> args = {}) const {
    args.insert(args.begin(), {"compare", "--config", study_file.string()});
    CommandResult r = qmf::testing::run_qmf(args, cwd_.path(), cwd_.path() / "no-data-here");
    EXPECT_TRUE(r.exited) << r.describe();
    return r;
  }

  static data::TempDir* shared_;
  data::TempDir cwd_{"qmf-compare-safety-cwd"};
};

data::TempDir* CompareSafety::shared_ = nullptr;

TEST_F(CompareSafety, ADirectoryWithTheUsersFilesIsRefusedAndLeftUntouched) {
  const fs::path s = study("study.toml", model("a"));
  qmf::testing::write_text(cwd_.path() / "mine" / "compare.csv", "my,own,table\n");
  const CommandResult r = compare(s, {"--out", "mine"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--out mine")) << r.err;
  EXPECT_TRUE(contains(r.err, "compare.csv")) << r.err;
  EXPECT_EQ(file_names(cwd_.path() / "mine"), std::vector<std::string>{"compare.csv"});
  EXPECT_EQ(slurp(cwd_.path() / "mine" / "compare.csv"), "my,own,table\n");
}

TEST_F(CompareSafety, AStudyClaimsAnEmptyDirectoryResumesInItAndKeepsOthersOut) {
  const fs::path a = study("a.toml", model("a"));
  fs::create_directories(cwd_.path() / "out");
  const CommandResult first = compare(a, {"--out", "out"});
  ASSERT_EQ(first.code, 0) << first.describe();
  const std::string table = slurp(cwd_.path() / "out" / "compare.csv");
  const CommandResult again = compare(a, {"--out", "out"});  // its own directory: resumes
  ASSERT_EQ(again.code, 0) << again.describe();
  EXPECT_FALSE(contains(again.err, "seed 0")) << "trained again: " << again.err;

  const fs::path b = study("b.toml", model("a"));  // same models, but another study
  const CommandResult other = compare(b, {"--out", "out"});
  EXPECT_EQ(other.code, 2) << other.describe();
  EXPECT_TRUE(contains(other.err, "holds the study of " + fs::canonical(a).string())) << other.err;
  EXPECT_EQ(slurp(cwd_.path() / "out" / "compare.csv"), table);
}

TEST_F(CompareSafety, DefaultDirectoriesOfTheSameSecondDoNotCollide) {
  // A directory for this second and the next few, as compares started just before would make.
  const std::time_t now = std::time(nullptr);
  std::vector<fs::path> taken;
  for (std::time_t t = now; t < now + 4; ++t) {
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
    taken.push_back(cwd_.path() / "runs" / (std::string("compare-") + stamp));
    qmf::testing::write_text(taken.back() / "theirs.txt", "busy");
  }
  const CommandResult r = compare(study("study.toml", model("a")));
  ASSERT_EQ(r.code, 0) << r.describe();
  for (const fs::path& dir : taken)
    EXPECT_EQ(file_names(dir), std::vector<std::string>{"theirs.txt"}) << dir;
  EXPECT_TRUE(contains(r.out, "study directory: runs/compare-")) << r.out;
  EXPECT_EQ(file_names(cwd_.path() / "runs").size(), taken.size() + 1);
}

TEST_F(CompareSafety, StudiesThatWouldHideAProblemAreRefusedBeforeAnyTraining) {
  struct Case {
    std::string models, seeds, base;
    std::vector<std::string> args, expected;
  };
  const std::string long_name(65, 'x');
  const std::vector<Case> cases = {
      {model("a"), "[0, 1, 0]", "", {}, {"study.toml:1:", "0 is listed twice"}},
      {model("a", ", \"data.view\" = \"mnist/split-h2\"") +
           model("b", ", \"data.view\" = \"mnist/split-v2\""),
       "[0]",
       "",
       {},
       {"'a' (data.view = mnist/split-h2)", "'b' (data.view = mnist/split-v2)"}},
      {model("a", ", \"train.seed\" = 5"), "[0]", "", {}, {"train.seed", "seeds = [...]"}},
      {model("a"), "[0]", "\"train.seed\" = 5\n", {}, {"train.seed", "seeds = [...]"}},
      {model("a"), "[0]", "", {"--set", "train.seed=5"}, {"--set train.seed=5", "seeds = [...]"}},
      // More names in StudyNames (tests/train/study_results_test.cpp), in-process.
      {model("a,b"), "[0]", "", {}, {"model name", "',' is not allowed"}},
      {model("a\\nb"), "[0]", "", {}, {"byte 0x0a is not allowed"}},
      {model(".."), "[0]", "", {}, {"starts with '.'"}},
      {model(long_name), "[0]", "", {}, {"65 bytes is too long"}},
  };
  for (const Case& c : cases) {
    const fs::path s = study("study.toml", c.models, c.seeds, c.base);
    const CommandResult r = compare(s, c.args);
    EXPECT_EQ(r.code, 2) << c.models << r.describe();
    for (const std::string& part : c.expected)
      EXPECT_TRUE(contains(r.err, part)) << "missing '" << part << "' in: " << r.err;
    EXPECT_EQ(file_names(cwd_.path()), std::vector<std::string>{"study.toml"}) << c.models;
  }
}

}  // namespace
}  // namespace qmf
