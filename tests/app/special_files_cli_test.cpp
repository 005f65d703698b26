// Special files where the commands expect regular ones, run as a user would run them: /dev/null,
// /dev/zero, FIFOs and pipes as --config, a run whose config.toml or checkpoint.qmf is a FIFO or
// a directory, a user-data modality that is a FIFO. Each must end promptly in a message naming
// the file and what is wrong with it (or, for a legitimate stream, read it): never a wait for
// ever, never "internal error". No test here gets as far as fetching data or training.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "data/fetch/temp_dir.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "support/spawn_qmf.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;

// Far beyond any prompt exit: reached only by a command that waits on a FIFO.
constexpr auto kHangLimit = std::chrono::seconds(30);

class SpecialFilesCli : public ::testing::Test {
 protected:
  fs::path cwd() const { return tmp_.path(); }
  fs::path no_data() const { return tmp_.path() / "no-data-here"; }

  fs::path fifo(const std::string& name) const {
    const fs::path p = cwd() / name;
    EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0) << p;
    return p;
  }

  CommandResult run(const std::vector<std::string>& args) const {
    return qmf::testing::run_qmf(args, cwd(), no_data());
  }

  // Runs qmf with a time limit, for cases where a regression would wait for ever; returns the
  // exit code (-1 if it had to be killed) and stores stdout and stderr, together, in `log`.
  int run_guarded(const std::vector<std::string>& args, std::string& log) const {
    const fs::path log_file = cwd() / ".guarded-log";
    const pid_t pid = qmf::testing::spawn_qmf(args, no_data(), log_file);
    const qmf::testing::Ending end = qmf::testing::kill_after(pid, kHangLimit);
    log = qmf::testing::slurp(log_file);
    fs::remove(log_file);
    EXPECT_FALSE(end.killed) << "killed after " << kHangLimit.count() << " s:\n" << log;
    return end.exited ? end.code : -1;
  }

  // A run directory whose files are written later by the test: config.toml empty (the defaults).
  fs::path run_dir() const {
    const fs::path dir = cwd() / "run";
    qmf::testing::write_text(dir / "config.toml", "");
    return dir;
  }

  data::TempDir tmp_{"qmf-special-cli"};
};

// An empty config is the defaults; the unknown key then stops the command before any data.
TEST_F(SpecialFilesCli, DevNullAsConfigIsAnEmptyConfig) {
  const CommandResult r = run({"train", "--config", "/dev/null", "--set", "nosuch.key=1"});
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "unknown key 'nosuch.key'")) << r.describe();
  EXPECT_FALSE(contains(r.err, "internal error")) << r.describe();
}

TEST_F(SpecialFilesCli, DevZeroAsConfigStopsAtTheCap) {
  const CommandResult r = run({"train", "--config", "/dev/zero", "--set", "nosuch.key=1"});
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(
      contains(r.err, fmt::format("/dev/zero: holds more than {} bytes", kMaxTextFileBytes)))
      << r.describe();
}

TEST_F(SpecialFilesCli, AFifoWithNoWriterAsConfigFailsAtOnce) {
  const fs::path config = fifo("config.fifo");
  std::string log;
  EXPECT_EQ(run_guarded({"train", "--config", config.string(), "--set", "nosuch.key=1"}, log), 1)
      << log;
  EXPECT_TRUE(contains(log, config.string() + ": nothing to read")) << log;
}

// What --config <(...) hands over: /dev/fd/N, a pipe the shell's writer filled and closed.
TEST_F(SpecialFilesCli, APipeAsConfigIsRead) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string text = "[train]\nepochs = 1\nbogus = 2\n";
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  const std::string config = "/dev/fd/" + std::to_string(fds[0]);
  std::string log;
  const int code = run_guarded({"train", "--config", config}, log);  // the child inherits fds[0]
  ::close(fds[0]);
  EXPECT_EQ(code, 2) << log;
  EXPECT_TRUE(contains(log, config + ":3:")) << log;
  EXPECT_TRUE(contains(log, "train.bogus")) << log;
}

TEST_F(SpecialFilesCli, ACheckpointThatIsADirectoryIsNamedAsOne) {
  const fs::path run = run_dir();
  fs::create_directories(run / "checkpoint.qmf");
  const CommandResult r = this->run({"eval", "--run", run.string()});
  ASSERT_TRUE(r.exited) << r.describe();
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(
      contains(r.err, (run / "checkpoint.qmf").string() + ": is a directory, not a regular file"))
      << r.describe();
}

TEST_F(SpecialFilesCli, ACheckpointThatIsAFifoIsNamedAsOne) {
  const fs::path run = run_dir();
  ASSERT_EQ(::mkfifo((run / "checkpoint.qmf").c_str(), 0600), 0);
  std::string log;
  EXPECT_EQ(run_guarded({"eval", "--run", run.string()}, log), 1) << log;
  EXPECT_TRUE(contains(
      log, (run / "checkpoint.qmf").string() + ": is a FIFO (named pipe), not a regular file"))
      << log;
}

TEST_F(SpecialFilesCli, ARunWhoseConfigIsAFifoFailsAtOnce) {
  const fs::path run = cwd() / "run";
  fs::create_directories(run);
  ASSERT_EQ(::mkfifo((run / "config.toml").c_str(), 0600), 0);
  std::string log;
  EXPECT_EQ(run_guarded({"eval", "--run", run.string()}, log), 1) << log;
  EXPECT_TRUE(contains(log, (run / "config.toml").string() + ": nothing to read")) << log;
}

// Old behaviour: the FIFO was skipped and the model trained on the other modality alone.
TEST_F(SpecialFilesCli, AUserDataModalityThatIsAFifoIsNamedNotDropped) {
  const fs::path files = cwd() / "mine";
  for (const char* split : {"train", "test"}) {
    qmf::testing::write_text(files / split / "1-a.csv", "1,2\n3,4\n5,6\n7,8\n");
    qmf::testing::write_text(files / split / "labels.csv", "0\n1\n0\n1\n");
    ASSERT_EQ(::mkfifo((files / split / "2-b.csv").c_str(), 0600), 0);
  }
  std::string log;
  EXPECT_EQ(run_guarded({"train", "--out", "r", "--set", "data.view=files", "--set",
                         "data.files=" + files.string(), "--set", "train.epochs=1"},
                        log),
            1)
      << log;
  // train/ is read first.
  EXPECT_TRUE(contains(log, (files / "train" / "2-b.csv").string() +
                                ": is a FIFO (named pipe); data.files reads regular files only"))
      << log;
  EXPECT_FALSE(fs::exists(cwd() / "r" / "summary.json"));
}

}  // namespace
}  // namespace qmf
