// `qmf explain` run as a separate process: the files it writes, its output directory replaced
// whole, and its usage errors (exit 2) — a missing run, a run of another model kind, a --set key
// it does not take.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/fetch/temp_dir.h"
#include "support/png_check.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "support/trained_runs.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::file_names;
using qmf::testing::slurp;

using qmf::testing::contains;

class CliExplain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-cli-explain");
    qmf::testing::write_data_and_runs(shared_->path(), {"qmfnn", "late"});
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }

  // A private copy of the trained run of `kind` in the working directory, as "run".
  fs::path copy_run(const std::string& kind) const {
    fs::path run = cwd_.path() / "run";
    fs::copy(shared_->path() / kind, run, fs::copy_options::recursive);
    return run;
  }

  CommandResult exec_qmf(const std::vector<std::string>& args) const {
    CommandResult r = qmf::testing::run_qmf(args, cwd_.path(), cwd_.path() / "no-data-here");
    EXPECT_TRUE(r.exited) << "qmf did not exit normally: " << r.describe();
    return r;
  }

  static inline data::TempDir* shared_ = nullptr;
  data::TempDir cwd_{"qmf-cli-explain-cwd"};
};

TEST_F(CliExplain, WritesTheReportIntoRunExplainAndPrintsTheSummary) {
  const fs::path run = copy_run("qmfnn");
  const CommandResult r = exec_qmf({"explain", "--run", "run", "--samples", "3"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto summary = nlohmann::json::parse(slurp(run / "summary.json"));
  char acc[32];
  std::snprintf(acc, sizeof acc, "accuracy %.2f%%",
                100 * summary.at("test_accuracy").get<double>());
  EXPECT_TRUE(contains(r.out, acc)) << acc << "\n" << r.describe();
  EXPECT_TRUE(contains(r.out, "attribution")) << r.describe();
  EXPECT_TRUE(contains(r.out, "run/explain")) << r.describe();

  const std::vector<std::string> expected = {
      "attribution.dat", "attribution.png", "attribution.svg", "entropy.dat", "entropy.png",
      "entropy.svg",     "explain.csv",     "explain.json",    "explain.md",  "plot.gp",
      "samples.dat",     "samples.png",     "samples.svg"};
  EXPECT_EQ(file_names(run / "explain"), expected);
  const auto j = nlohmann::json::parse(slurp(run / "explain" / "explain.json"));
  EXPECT_NEAR(j.at("summary").at("accuracy").get<double>(),
              summary.at("test_accuracy").get<double>(), 1e-12);
  EXPECT_EQ(j.at("samples"), summary.at("test_samples"));
  EXPECT_EQ(j.at("examples").size(), 3u);
  EXPECT_EQ(qmf::testing::read_csv(run / "explain" / "explain.csv").size(),
            summary.at("test_samples").get<size_t>() + 1);
  // Nothing else appeared in the run directory (no staging directory left behind).
  for (const auto& name : file_names(run)) EXPECT_FALSE(name.starts_with(".")) << name;
}

// samples.png: each example's two MNIST halves drawn as 28x14 images beside the register
// distributions and the fused probabilities, every panel with axis labels, a legend of the bar
// colours; every figure a complete PNG.
TEST_F(CliExplain, SamplesFigureShowsTheInputsWithLabelsAndLegend) {
  const fs::path run = copy_run("qmfnn");
  const CommandResult r = exec_qmf({"explain", "--run", "run", "--samples", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  for (const char* figure : {"samples.png", "attribution.png", "entropy.png"})
    EXPECT_TRUE(qmf::testing::is_complete_png(run / "explain" / figure)) << figure;
  const std::string script = slurp(run / "explain" / "plot.gp");
  const auto count = [&](const std::string& part) {
    size_t n = 0;
    for (size_t at = script.find(part); at != std::string::npos; at = script.find(part, at + 1))
      ++n;
    return n;
  };
  // Two examples, two modalities each: four input images, drawn once as PNG and once as SVG.
  EXPECT_EQ(count("with rgbimage"), 2 * 4u) << script;
  EXPECT_EQ(count("input 28x14"), 2 * 4u) << script;
  EXPECT_NE(script.find("title 'true class'"), std::string::npos) << script;
  EXPECT_NE(script.find("title 'wrong prediction'"), std::string::npos) << script;
  // 2 examples x (2 registers + fused), twice.
  EXPECT_EQ(count("set ylabel 'probability'"), 2 * 6u) << script;
  EXPECT_NE(script.find("set xlabel 'class'"), std::string::npos) << script;
  // The images' data, a line "column row r g b" per pixel: 28 rows of 14 columns.
  const std::string data = slurp(run / "explain" / "samples.dat");
  EXPECT_NE(data.find("\n13 27 "), std::string::npos);  // the last pixel of an image
  EXPECT_EQ(data.find("\n14 27 "), std::string::npos);  // no 15th column
}

TEST_F(CliExplain, OutReplacesAnEarlierExplanationWholeAndSetReachesTheData) {
  copy_run("qmfnn");
  fs::create_directories(cwd_.path() / "out");
  std::ofstream(cwd_.path() / "out" / "explain.json") << "{}";
  std::ofstream(cwd_.path() / "out" / "stale.txt") << "old";
  const CommandResult r =
      exec_qmf({"explain", "--run", "run", "--out", "out", "--set", "data.test_limit=10"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_FALSE(fs::exists(cwd_.path() / "out" / "stale.txt"));
  const auto j = nlohmann::json::parse(slurp(cwd_.path() / "out" / "explain.json"));
  EXPECT_EQ(j.at("samples"), 10);
  EXPECT_EQ(j.at("overrides"), nlohmann::json::array({"data.test_limit=10"}));
  EXPECT_FALSE(fs::exists(cwd_.path() / "run" / "explain"));
  EXPECT_EQ(file_names(cwd_.path()), (std::vector<std::string>{"out", "run"}));
}

// gnuplot missing from PATH: the command fails (exit 1) after computing, and the earlier
// explanation is left as it was, with no partial directory beside it.
TEST_F(CliExplain, AFailureKeepsThePreviousOutputIntact) {
  copy_run("qmfnn");
  fs::create_directories(cwd_.path() / "out");
  std::ofstream(cwd_.path() / "out" / "explain.json") << "{}";
  const std::string cmd = "cd " + qmf::testing::shell_quote(cwd_.path().string()) +
                          " && /usr/bin/env PATH=/nonexistent " +
                          qmf::testing::shell_quote(QMF_BINARY) +
                          " explain --run run --out out >/dev/null 2>err.txt";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << slurp(cwd_.path() / "err.txt");
  EXPECT_TRUE(contains(slurp(cwd_.path() / "err.txt"), "gnuplot"));
  EXPECT_EQ(file_names(cwd_.path() / "out"), std::vector<std::string>{"explain.json"});
  EXPECT_EQ(slurp(cwd_.path() / "out" / "explain.json"), "{}");
  EXPECT_EQ(file_names(cwd_.path()), (std::vector<std::string>{"err.txt", "out", "run"}));
}

// --out would be replaced whole: a directory that is not an earlier explanation (here the run
// itself) is refused before anything is computed.
TEST_F(CliExplain, OutThatIsNotAnEarlierExplanationExits2) {
  const fs::path run = copy_run("qmfnn");
  const auto before = file_names(run);
  const CommandResult r = exec_qmf({"explain", "--run", "run", "--out", "run"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--out run")) << r.describe();
  EXPECT_EQ(file_names(run), before);
  std::ofstream(cwd_.path() / "file") << "x";
  EXPECT_EQ(exec_qmf({"explain", "--run", "run", "--out", "file"}).code, 2);
}

TEST_F(CliExplain, MissingRunExits2) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"explain", "--run", "no-such-dir"},
        {"explain"},
        {"explain", "--run"}}) {
    const CommandResult r = exec_qmf(args);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_TRUE(file_names(cwd_.path()).empty());
}

TEST_F(CliExplain, ARunOfAnotherModelExits2NamingIt) {
  copy_run("late");
  const CommandResult r = exec_qmf({"explain", "--run", "run"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "qmf explain needs a qmfnn model; the run in run is 'late'"))
      << r.describe();
  EXPECT_FALSE(fs::exists(cwd_.path() / "run" / "explain"));
}

TEST_F(CliExplain, SetKeysOtherThanDataNoiseShotsAndThreadsExit2) {
  copy_run("qmfnn");
  for (const char* set : {"model.k=2", "train.lr=1", "sim.precision=float"}) {
    const CommandResult r = exec_qmf({"explain", "--run", "run", "--set", set});
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err,
                         "explain takes data.*, noise.*, sim.shots, sim.seed, sim.trajectories and "
                         "train.threads only"))
        << r.describe();
  }
  const CommandResult r = exec_qmf({"explain", "--run", "run", "--set", "data.no_such_key=1"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "data.no_such_key")) << r.describe();
  const CommandResult s = exec_qmf({"explain", "--run", "run", "--samples", "0"});
  EXPECT_EQ(s.code, 2) << s.describe();
  EXPECT_FALSE(fs::exists(cwd_.path() / "run" / "explain"));
}

}  // namespace
}  // namespace qmf
