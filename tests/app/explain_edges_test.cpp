// `qmf explain` at the edges: its cost (circuit runs counted) and progress line, leftovers of a
// killed run, a working directory deeper than PATH_MAX, an overflowing --samples, and a qmfnn run
// of the evidential fusion.
#include <limits.h>  // PATH_MAX
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/fetch/temp_dir.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "support/trained_runs.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;
using qmf::testing::file_names;

class ExplainEdges : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-explain-edges");
    qmf::testing::write_data_and_runs(shared_->path(), {"qmfnn"}, 100, 20);
    qmf::testing::write_evidential_run(shared_->path());
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  fs::path copy_run(const std::string& kind) const {
    const fs::path run = cwd_.path() / "run";
    fs::copy(shared_->path() / kind, run, fs::copy_options::recursive);
    return run;
  }

  CommandResult exec_qmf(const std::vector<std::string>& args) const {
    CommandResult r = qmf::testing::run_qmf(args, cwd_.path(), cwd_.path() / "no-data-here");
    EXPECT_TRUE(r.exited) << r.describe();
    return r;
  }

  static inline data::TempDir* shared_ = nullptr;
  data::TempDir cwd_{"qmf-explain-edges-cwd"};
};

// Per sample: the model, one uniform-ablation run per register, 2^3 basis states per register
// for the mixed ablation, two entropy stages: 3 + 2 + 8 + 8 = 21 circuit runs. The progress
// line (stderr, not a terminal: quarter lines) names the total and ends with the count.
TEST_F(ExplainEdges, ProgressOnStderrCountsTheCircuitRuns) {
  const fs::path run = copy_run("qmfnn");
  const CommandResult r = exec_qmf({"explain", "--run", "run", "--set", "data.test_limit=10"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const size_t n =
      nlohmann::json::parse(qmf::testing::slurp(run / "explain" / "explain.json")).at("samples");
  ASSERT_GT(n, 0u);
  EXPECT_TRUE(contains(r.err, fmt::format("explain {} samples  75%", n))) << r.describe();
  EXPECT_TRUE(contains(r.err, fmt::format("explained {} test samples: {} circuit runs", n, 21 * n)))
      << r.describe();
  EXPECT_FALSE(contains(r.out, "circuit runs")) << r.describe();  // stdout keeps the table only
}

TEST_F(ExplainEdges, HelpStatesTheExponentialCost) {
  const CommandResult r = exec_qmf({"explain", "--help"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "2^k_m basis states")) << r.out;
  EXPECT_TRUE(contains(r.out, "exponentially")) << r.out;
}

// A killed explain left its staging directory; the next one removes it (its pid is dead), and
// the directory it commits has the mode of any new directory.
TEST_F(ExplainEdges, ALeftoverOfAKilledRunIsRemoved) {
  const fs::path run = copy_run("qmfnn");
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const fs::path left = run / (".explain.partial-" + std::to_string(dead) + "-0");
  fs::create_directories(left);
  const CommandResult r = exec_qmf({"explain", "--run", "run", "--set", "data.test_limit=4"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_FALSE(fs::exists(left));
  for (const auto& name : file_names(run)) EXPECT_FALSE(name.starts_with(".")) << name;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(fs::status(run / "explain").permissions(), fs::perms(0777 & ~mask));
}

// In a child process: from a working directory whose path is longer than PATH_MAX, explain a
// run given by a relative path. Exits with qmf's exit code, or 100+ on a setup failure.
int explain_in_a_deep_directory(const fs::path& top, const fs::path& run) {
  if (::chdir(top.c_str()) != 0) return 100;
  const std::string name(200, 'd');
  size_t depth = 0;
  for (size_t length = top.string().size(); length <= PATH_MAX + 200; length += name.size() + 1) {
    if (::mkdir(name.c_str(), 0755) != 0 || ::chdir(name.c_str()) != 0) return 101;
    ++depth;
  }
  std::error_code ec;
  fs::copy(run, "run", fs::copy_options::recursive, ec);
  if (ec) return 102;
  const std::string cmd = qmf::testing::shell_quote(QMF_BINARY) +
                          " explain --run run --set data.test_limit=4 >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 103;
  if (code == 0 && !fs::exists("run/explain/explain.json")) return 104;
  fs::remove_all("run", ec);
  for (; depth > 0; --depth)
    if (::chdir("..") != 0 || ::rmdir(name.c_str()) != 0) return 105;
  return code;
}

TEST_F(ExplainEdges, WorksFromAWorkingDirectoryDeeperThanPathMax) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(explain_in_a_deep_directory(cwd_.path(), shared_->path() / "qmfnn"));
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ExplainEdges, AnOverflowingSamplesIsEchoedAsTyped) {
  copy_run("qmfnn");
  for (const char* samples : {"18446744073709551616", "65", "0", "-1", "6x"}) {
    const CommandResult r = exec_qmf({"explain", "--run", "run", "--samples", samples});
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, std::string("--samples ") + samples + ": expected a number"))
        << r.describe();
  }
  EXPECT_FALSE(fs::exists(cwd_.path() / "run" / "explain"));
}

TEST_F(ExplainEdges, AnEvidentialRunIsRefusedByItsConfigNames) {
  copy_run("evidential");
  const CommandResult r = exec_qmf({"explain", "--run", "run"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err,
                       "qmf explain needs a qmfnn model with model.fusion = entangle; the run in "
                       "run is model.kind = qmfnn with model.fusion = evidential"))
      << r.describe();
  EXPECT_FALSE(contains(r.err, "qmfnn-evidential")) << r.describe();
  EXPECT_FALSE(fs::exists(cwd_.path() / "run" / "explain"));
}

}  // namespace
}  // namespace qmf
