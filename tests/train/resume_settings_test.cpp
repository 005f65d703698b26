// What a resume checks before it continues a run (run.h): the settings config.toml holds now
// against those the checkpoint was trained with, the thread count stored resolved, and which
// files beside the run are leftovers of qmf's own killed writes.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/parallel.h"
#include "data/fetch/temp_dir.h"
#include "support/fake_mnist.h"
#include "support/file_write.h"
#include "support/train_support.h"
#include "train/checkpoint.h"
#include "train/run.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;
using qmf::testing::QuietProgress;
using qmf::testing::slurp;

class ResumeSettings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new data::TempDir("qmf-resume-settings-data");
    qmf::testing::write_fake_mnist(data_->path(), 120, 40);
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }

  Config config(int epochs = 1) const {
    Config c = qmf::testing::small_config(data_->path(), epochs);
    c.model.k = {2};
    return c;
  }
  fs::path trained(const Config& c) {
    QuietProgress progress;
    train_new(c, run_, progress);
    return run_;
  }
  // Replaces `from` by `to` in the run's config.toml, as a user's editor would.
  void edit_config(const std::string& from, const std::string& to) {
    std::string text = slurp(run_ / "config.toml");
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in\n" << text;
    text.replace(at, from.size(), to);
    qmf::testing::write_text(run_ / "config.toml", text);
  }

  static inline data::TempDir* data_ = nullptr;
  data::TempDir runs_{"qmf-resume-settings-runs"};
  fs::path run_ = runs_.path() / "run";
};

TEST_F(ResumeSettings, AHandEditedConfigIsRefusedNamingEachKeyWithBothValues) {
  trained(config());
  edit_config("lr = 0.05", "lr = 0.2");
  edit_config("train_limit = 0", "train_limit = 50");
  const std::string before = slurp(run_ / "checkpoint.qmf");
  QuietProgress progress;
  try {
    train_resume(run_, {"train.epochs=2"}, progress);
    FAIL() << "resumed under other settings than the run was trained with";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    for (const char* part :
         {"config.toml", "train.lr: 0.2", " vs 0.05", "data.train_limit: 50 vs 0"})
      EXPECT_NE(message.find(part), std::string::npos) << part << " not in: " << message;
  }
  EXPECT_EQ(slurp(run_ / "checkpoint.qmf"), before);
}

TEST_F(ResumeSettings, EpochsAndCheckpointFrequencyMayDiffer) {
  trained(config());
  edit_config("epochs = 1", "epochs = 2");
  edit_config("checkpoint_every = 0", "checkpoint_every = 3");
  QuietProgress progress;
  EXPECT_EQ(train_resume(run_, {}, progress).at("epochs"), 2);
}

// Written before checkpoints recorded their settings: taken on trust, as it always was.
TEST_F(ResumeSettings, ACheckpointWithoutRecordedSettingsIsResumed) {
  trained(config());
  Checkpoint ckpt = load_checkpoint(run_ / "checkpoint.qmf");
  ASSERT_TRUE(ckpt.extra.contains("config"));
  EXPECT_TRUE(parse_config(ckpt.extra.at("config").get<std::string>()) == config());
  ckpt.extra.erase("config");
  save_checkpoint(run_ / "checkpoint.qmf", ckpt);
  edit_config("lr = 0.05", "lr = 0.2");
  QuietProgress progress;
  EXPECT_EQ(train_resume(run_, {"train.epochs=2"}, progress).at("epochs"), 2);
}

TEST_F(ResumeSettings, AllCoresIsStoredAsTheCountItMeant) {
  Config c = config();
  c.train.threads = 0;
  trained(c);
  const int cores = available_threads();
  EXPECT_EQ(load_config(run_ / "config.toml").train.threads, cores);
  const auto recorded = load_checkpoint(run_ / "checkpoint.qmf").extra.at("config");
  EXPECT_EQ(parse_config(recorded.get<std::string>()).train.threads, cores);
}

TEST_F(ResumeSettings, AnotherCoreCountIsSaidAndTheStoredCountKept) {
  Config c = config();
  c.train.threads = available_threads() + 1;
  trained(c);
  QuietProgress progress;
  const nlohmann::json s = train_resume(run_, {"train.epochs=2"}, progress);
  EXPECT_EQ(s.at("threads"), c.train.threads);
  const std::string said = progress.text();
  EXPECT_NE(said.find(std::to_string(available_threads()) + " cores"), std::string::npos) << said;
  EXPECT_NE(said.find("train.threads = " + std::to_string(c.train.threads)), std::string::npos)
      << said;
}

// Only what qmf's own writes leave ("<run file>.tmp-<pid>", that pid dead) is removed.
TEST_F(ResumeSettings, OnlyLeftoversOfKilledWritesAreRemoved) {
  trained(config());
  const std::string users = "checkpoint.qmf.tmp-before-experiment";
  // A live writer's (our parent's pid: our own is the one this process's writes use).
  const std::string live = "metrics.csv.tmp-" + std::to_string(::getppid());
  const std::string dead = "checkpoint.qmf.tmp-9999999999";  // longer than any pid
  for (const std::string& name : {users, live, dead})
    qmf::testing::write_text(run_ / name, "kept?");
  QuietProgress progress;
  train_resume(run_, {"train.epochs=2"}, progress);
  EXPECT_EQ(slurp(run_ / users), "kept?");
  EXPECT_EQ(slurp(run_ / live), "kept?");
  EXPECT_FALSE(fs::exists(run_ / dead));
}

TEST_F(ResumeSettings, ANewRunTreatsAUsersTemporaryLookalikeAsTheirFile) {
  fs::create_directories(run_);
  qmf::testing::write_text(run_ / "checkpoint.qmf.tmp-before-experiment", "mine");
  QuietProgress progress;
  EXPECT_THROW(train_new(config(), run_, progress), UsageError);
  EXPECT_EQ(qmf::testing::file_names(run_),
            std::vector<std::string>{"checkpoint.qmf.tmp-before-experiment"});
}

}  // namespace
}  // namespace qmf::train
