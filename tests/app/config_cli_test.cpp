// `qmf config` and `qmf train --print-config` run as a user would: every key with its resolved
// value, the TOML form that `qmf train` reads back, help that points to them, and a study file
// given to `qmf train` named as one.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "train/config_schema.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;

class ConfigCli : public ::testing::Test {
 protected:
  CommandResult run(const std::vector<std::string>& args) {
    return qmf::testing::run_qmf(args, dir_.path(), dir_.path() / "data");
  }
  fs::path path(const char* name) const { return dir_.path() / name; }

 private:
  data::TempDir dir_{"qmf-config-cli"};
};

TEST_F(ConfigCli, ListsEveryKeyWithTheFileAndSetsApplied) {
  qmf::testing::write_text(path("run.toml"), "[model]\nk = 3\nreadout = \"expval\"\n");
  const CommandResult r =
      run({"config", "--config", path("run.toml").string(), "--set", "train.epochs=4"});
  ASSERT_EQ(r.code, 0) << r.describe();
  for (const config_detail::Field& f : config_detail::config_fields())
    EXPECT_TRUE(contains(r.out, std::string(f.key) + " = ")) << f.key << "\n" << r.describe();
  EXPECT_TRUE(contains(r.out, "model.k = [3]")) << r.out;
  EXPECT_TRUE(contains(r.out, "model.readout = 'expval'")) << r.out;
  EXPECT_TRUE(contains(r.out, "train.epochs = 4")) << r.out;
  EXPECT_TRUE(contains(r.out, "(default 1)")) << r.out;
}

TEST_F(ConfigCli, PrintConfigIsTheSameListingAndTrainsNothing) {
  const std::vector<std::string> sets = {"--set", "model.kind=early", "--set", "train.lr=0.003"};
  std::vector<std::string> config = {"config"}, train = {"train", "--print-config"};
  config.insert(config.end(), sets.begin(), sets.end());
  train.insert(train.end(), sets.begin(), sets.end());
  const CommandResult listed = run(config), printed = run(train);
  ASSERT_EQ(printed.code, 0) << printed.describe();
  EXPECT_EQ(printed.out, listed.out);
  EXPECT_TRUE(contains(printed.out, "train.lr = 0.003")) << printed.out;
  EXPECT_FALSE(fs::exists(path("runs"))) << "--print-config started a run";
}

TEST_F(ConfigCli, TomlFormatIsAConfigThatTrainReadsBack) {
  const CommandResult toml = run({"config", "--format", "toml", "--set", "model.k=[2,3]"});
  ASSERT_EQ(toml.code, 0) << toml.describe();
  EXPECT_TRUE(contains(toml.out, "# Qubits per modality")) << toml.out;
  qmf::testing::write_text(path("start.toml"), toml.out);
  const CommandResult r = run({"train", "--print-config", "--config", path("start.toml").string()});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "model.k = [2, 3]")) << r.out;
}

TEST_F(ConfigCli, BadValuesAreUsageErrors) {
  CommandResult r = run({"config", "--set", "model.encoding=bogus"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "model.encoding")) << r.describe();
  r = run({"config", "--format", "yaml"});
  EXPECT_EQ(r.code, 2) << r.describe();
}

TEST_F(ConfigCli, AStudyFileGivenToTrainIsNamedAsOne) {
  qmf::testing::write_text(path("study.toml"),
                           "seeds = [0, 1]\n[base]\n\"train.epochs\" = 1\n[[models]]\n"
                           "name = \"early\"\nset = { \"model.kind\" = \"early\" }\n");
  for (const char* cmd : {"train", "config"}) {
    const CommandResult r = run({cmd, "--config", path("study.toml").string()});
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, "is a study file")) << r.describe();
    EXPECT_TRUE(contains(r.err, "qmf compare --config")) << r.describe();
  }
  // A run config with a misspelt key still gets the key's own message.
  qmf::testing::write_text(path("typo.toml"), "[train]\nepochz = 2\n");
  const CommandResult r = run({"train", "--config", path("typo.toml").string()});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "epochz")) << r.describe();
  EXPECT_FALSE(contains(r.err, "study file")) << r.describe();
}

TEST_F(ConfigCli, HelpPointsToConfig) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"train", "--help"}}) {
    const CommandResult r = run(args);
    EXPECT_EQ(r.code, 0) << r.describe();
    EXPECT_TRUE(contains(r.out, "qmf config")) << r.describe();
  }
}

}  // namespace
}  // namespace qmf
