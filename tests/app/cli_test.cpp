// The `qmf` command line, run as a separate process: exit codes (0 success, 1 runtime failure,
// 2 usage error), messages that name what is wrong, and never a crash.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/fetch/temp_dir.h"
#include "sim/isa.h"
#include "support/fake_mnist.h"
#include "support/png_check.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "train/config.h"
#include "train/run.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::slurp;

using qmf::testing::contains;

// Generated data and one trained run (made in-process) shared by the suite; each test runs qmf
// in a working directory of its own, so default outputs (runs/...) land there.
class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-cli-shared");
    qmf::testing::write_fake_mnist(data_dir());
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static fs::path data_dir() { return shared_->path() / "data"; }

  // The small test config, as --set arguments.
  static std::vector<std::string> small_sets() {
    return {"--set", "data.dir=" + data_dir().string(),
            "--set", "data.classes=[0,1,2,3]",
            "--set", "model.k=3",
            "--set", "train.epochs=2",
            "--set", "train.batch=16",
            "--set", "train.lr=0.05",
            "--set", "train.threads=1"};
  }

  // A finished 2-epoch run in the shared directory, trained once per process.
  static fs::path trained_run() {
    const fs::path dir = shared_->path() / "trained";
    if (!fs::exists(dir / "summary.json")) {
      qmf::testing::QuietProgress progress;
      train::train_new(qmf::testing::small_config(data_dir(), 2), dir, progress);
    }
    return dir;
  }

  CommandResult exec_qmf(const std::vector<std::string>& args) const {
    CommandResult r = qmf::testing::run_qmf(args, cwd_.path(), cwd_.path() / "no-data-here");
    EXPECT_TRUE(r.exited) << "qmf did not exit normally: " << r.describe();
    return r;
  }

  // A usage error: exit 2 and a message on stderr, nothing written to the working directory.
  CommandResult expect_usage_error(const std::vector<std::string>& args) const {
    CommandResult r = exec_qmf(args);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_FALSE(r.err.empty()) << r.describe();
    EXPECT_TRUE(qmf::testing::file_names(cwd_.path()).empty()) << "a usage error left files behind";
    return r;
  }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = cwd_.path() / name;
    std::ofstream(p) << text;
    return p;
  }

  static data::TempDir* shared_;
  data::TempDir cwd_{"qmf-cli-cwd"};
};

data::TempDir* Cli::shared_ = nullptr;

class CliUsage : public Cli {};
class CliTrain : public Cli {};
class CliEval : public Cli {};
class CliData : public Cli {};
class CliBench : public Cli {};

// The JSON document at the start of `text` (qmf train prints the summary, then a line naming
// the run directory).
nlohmann::json leading_json(const std::string& text) {
  std::istringstream in(text);
  nlohmann::json j;
  in >> j;
  return j;
}

TEST_F(CliUsage, NoSubcommandExits2) {
  const CommandResult r = expect_usage_error({});
  EXPECT_TRUE(contains(r.err, "subcommand")) << r.describe();
}

TEST_F(CliUsage, UnknownFlagOrSubcommandExits2) {
  expect_usage_error({"--no-such-flag"});
  expect_usage_error({"train", "--no-such-flag"});
  expect_usage_error({"eval", "--run"});  // missing value
  expect_usage_error({"frobnicate"});
}

TEST_F(CliUsage, HelpAndVersionExit0) {
  CommandResult r = exec_qmf({"--help"});
  EXPECT_EQ(r.code, 0) << r.describe();
  for (const char* cmd : {"train", "eval", "data", "bench"})
    EXPECT_TRUE(contains(r.out + r.err, cmd)) << cmd << "\n" << r.describe();
  r = exec_qmf({"train", "--help"});
  EXPECT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out + r.err, "--set")) << r.describe();
  r = exec_qmf({"--version"});
  EXPECT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out + r.err, "qmf")) << r.describe();
}

TEST_F(CliTrain, UnknownSetKeyExits2NamingTheKey) {
  const CommandResult r = expect_usage_error({"train", "--set", "nosuch.key=1"});
  EXPECT_TRUE(contains(r.err, "nosuch.key")) << r.describe();
  // A near miss gets a suggestion.
  const CommandResult s = expect_usage_error({"train", "--set", "train.epoch=2"});
  EXPECT_TRUE(contains(s.err, "train.epoch")) << s.describe();
  EXPECT_TRUE(contains(s.err, "train.epochs")) << s.describe();
}

TEST_F(CliTrain, BadValueExits2NamingTheKey) {
  CommandResult r = expect_usage_error({"train", "--set", "train.lr=-1"});
  EXPECT_TRUE(contains(r.err, "train.lr")) << r.describe();
  r = expect_usage_error({"train", "--set", "train.epochs=zero"});
  EXPECT_TRUE(contains(r.err, "train.epochs")) << r.describe();
  r = expect_usage_error({"train", "--set", "model.encoding=phase"});
  EXPECT_TRUE(contains(r.err, "model.encoding")) << r.describe();
  r = expect_usage_error({"train", "--set", "no-equals-sign"});
}

TEST_F(CliTrain, MissingConfigFileExits2) {
  const CommandResult r = expect_usage_error({"train", "--config", "missing.toml"});
  EXPECT_TRUE(contains(r.err, "missing.toml")) << r.describe();
}

TEST_F(CliTrain, ConfigSyntaxErrorExits2WithTheLineNumber) {
  const fs::path cfg = write("bad.toml", "[train]\nepochs = 2\nlr = = 0.1\n");
  const CommandResult r = exec_qmf({"train", "--config", cfg.string()});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "bad.toml:3")) << r.describe();
}

TEST_F(CliTrain, ConfigWithABadKeyExits2WithTheLineAndKey) {
  const fs::path cfg = write("keys.toml", "[train]\nepochs = 2\n\n[model]\nqubits = 4\n");
  const CommandResult r = exec_qmf({"train", "--config", cfg.string()});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "keys.toml:5")) << r.describe();
  EXPECT_TRUE(contains(r.err, "model.qubits")) << r.describe();
}

TEST_F(CliTrain, TrainsOnGeneratedDataAndPrintsTheSummary) {
  std::vector<std::string> args = {"train", "--out", "run"};
  for (const auto& s : small_sets()) args.push_back(s);
  const CommandResult r = exec_qmf(args);
  ASSERT_EQ(r.code, 0) << r.describe();
  const nlohmann::json s = leading_json(r.out);
  EXPECT_EQ(s.at("model"), "qmfnn");
  EXPECT_EQ(s.at("epochs"), 2);
  EXPECT_GT(s.at("test_accuracy").get<double>(), 0.5) << r.out;
  EXPECT_EQ(s.at("threads"), 1);
  EXPECT_TRUE(contains(r.out, "run directory: run")) << r.describe();
  const fs::path run = cwd_.path() / "run";
  EXPECT_EQ(nlohmann::json::parse(slurp(run / "summary.json")), s);
  for (const char* f : {"config.toml", "metrics.csv", "checkpoint.qmf"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  // stderr is not a terminal here: plain progress lines only.
  EXPECT_FALSE(contains(r.err, "\r")) << r.describe();
  EXPECT_TRUE(contains(r.err, "epoch 2/2")) << r.describe();

  // The same --out again is refused, and the run is left alone.
  const std::string ckpt = slurp(run / "checkpoint.qmf");
  const CommandResult again = exec_qmf(args);
  EXPECT_EQ(again.code, 2) << again.describe();
  EXPECT_TRUE(contains(again.err, "--resume")) << again.describe();
  EXPECT_EQ(slurp(run / "checkpoint.qmf"), ckpt);
}

// Every command takes a run with convolutional front ends: train learns through them and says
// so, eval reproduces the accuracy training reported, explain and export reach the circuit
// through them. (The test digits are told apart by where a block lies, which a mirror changes, so
// the run that must learn is not augmented; a second, short one says that it is.)
TEST_F(CliTrain, ConvolutionalFrontEndsTrainEvaluateExplainAndExport) {
  const auto cnn_train = [this](const std::string& out, const std::vector<std::string>& sets) {
    std::vector<std::string> args = {"train", "--out", out};
    for (const auto& s : small_sets()) args.push_back(s);
    for (const std::string& s : sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    return exec_qmf(args);
  };
  const CommandResult r =
      cnn_train("cnn", {"model.frontend=cnn", "model.cnn.channels=[4, 8]", "train.lr=0.01"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const nlohmann::json s = leading_json(r.out);
  EXPECT_GT(s.at("test_accuracy").get<double>(), 0.5) << r.out;
  EXPECT_TRUE(contains(r.err, "cnn1: conv 3x3 4, 8")) << r.describe();
  EXPECT_FALSE(contains(r.err, "mirrored")) << r.describe();
  const CommandResult a = cnn_train(
      "cnn-augmented",
      {"model.frontend=cnn", "data.augment=crop-flip", "data.train_limit=64", "train.epochs=1"});
  ASSERT_EQ(a.code, 0) << a.describe();
  EXPECT_TRUE(contains(a.err, "shifted up to 4 px and mirrored")) << a.describe();

  const CommandResult e = exec_qmf({"eval", "--run", "cnn"});
  ASSERT_EQ(e.code, 0) << e.describe();
  char acc[32];
  std::snprintf(acc, sizeof acc, "accuracy %.2f%%", 100 * s.at("test_accuracy").get<double>());
  EXPECT_TRUE(contains(e.out, acc)) << acc << "\n" << e.describe();
  const CommandResult x = exec_qmf({"explain", "--run", "cnn", "--samples", "2"});
  EXPECT_EQ(x.code, 0) << x.describe();
  const CommandResult q = exec_qmf({"export", "--run", "cnn", "--sample", "0", "--out", "c.qasm"});
  EXPECT_EQ(q.code, 0) << q.describe();
}

TEST_F(CliTrain, WithoutOutWritesARunUnderRuns) {
  std::vector<std::string> args = {"train"};
  for (const auto& s : small_sets()) args.push_back(s);
  args.push_back("--set");
  args.push_back("train.epochs=1");
  const CommandResult r = exec_qmf(args);
  ASSERT_EQ(r.code, 0) << r.describe();
  ASSERT_TRUE(fs::is_directory(cwd_.path() / "runs")) << r.describe();
  const auto runs = qmf::testing::file_names(cwd_.path() / "runs");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(contains(runs[0], "qmfnn-mnist-split-h2")) << runs[0];
  EXPECT_TRUE(fs::exists(cwd_.path() / "runs" / runs[0] / "summary.json"));
  EXPECT_TRUE(contains(r.out, "run directory: runs/" + runs[0])) << r.describe();
}

TEST_F(CliTrain, ConfigFileAndSetOverridesCombine) {
  const fs::path cfg =
      write("small.toml", "[data]\ndir = \"" + data_dir().string() +
                              "\"\nclasses = [0, 1]\n\n[model]\nk = 2\n\n[train]\nepochs = 3\n"
                              "threads = 1\n");
  const CommandResult r =
      exec_qmf({"train", "--config", cfg.string(), "--set", "train.epochs=1", "--out", "r"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_EQ(leading_json(r.out).at("epochs"), 1);
  const Config c = load_config(cwd_.path() / "r" / "config.toml");
  EXPECT_EQ(c.data.classes, (std::vector<int>{0, 1}));
  EXPECT_EQ(c.model.k, (std::vector<int>{2}));
  EXPECT_EQ(c.train.epochs, 1);
}

TEST_F(CliTrain, ResumeContinuesAndTakesOnlyTrainEpochs) {
  const fs::path run = cwd_.path() / "run";
  {
    qmf::testing::QuietProgress progress;
    train::train_new(qmf::testing::small_config(data_dir(), 1), run, progress);
  }
  fs::remove(cwd_.path() / "run" / "summary.json");  // as if interrupted after epoch 1
  CommandResult r = exec_qmf({"train", "--resume", "run", "--set", "train.lr=0.5"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "train.lr")) << r.describe();
  r = exec_qmf({"train", "--resume", "run", "--out", "elsewhere"});
  EXPECT_EQ(r.code, 2) << r.describe();
  r = exec_qmf({"train", "--resume", "no-such-run"});
  EXPECT_EQ(r.code, 2) << r.describe();

  r = exec_qmf({"train", "--resume", "run", "--set", "train.epochs=2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_EQ(leading_json(r.out).at("epochs"), 2);
  EXPECT_EQ(qmf::testing::read_csv(run / "metrics.csv").size(), 3u);
  EXPECT_TRUE(contains(r.out, "run directory: run")) << r.describe();
}

TEST_F(CliEval, TrainedRunPrintsAccuracyAndConfusionMatrix) {
  const fs::path run = trained_run();
  const auto summary = nlohmann::json::parse(slurp(run / "summary.json"));
  const CommandResult r = exec_qmf({"eval", "--run", run.string()});
  ASSERT_EQ(r.code, 0) << r.describe();
  // The accuracy is the one training reported for the same checkpoint and test split.
  char acc[32];
  std::snprintf(acc, sizeof acc, "accuracy %.2f%%",
                100 * summary.at("test_accuracy").get<double>());
  EXPECT_TRUE(contains(r.out, acc)) << acc << "\n" << r.describe();
  EXPECT_TRUE(contains(r.out, "after 2 epochs")) << r.describe();
  ASSERT_TRUE(contains(r.out, "confusion matrix")) << r.describe();

  // The matrix: a header row of class indices, then one row per true class; 4 classes.
  const auto lines = qmf::testing::split(r.out.substr(r.out.find("confusion matrix")), '\n');
  ASSERT_EQ(lines.size(), 1u + 1u + 4u) << r.out;
  long total = 0, diagonal = 0;
  for (int i = 0; i < 4; ++i) {
    std::istringstream row(lines[2 + static_cast<size_t>(i)]);
    long label = -1;
    row >> label;
    EXPECT_EQ(label, i) << lines[2 + static_cast<size_t>(i)];
    for (int j = 0; j < 4; ++j) {
      long v = -1;
      ASSERT_TRUE(row >> v) << lines[2 + static_cast<size_t>(i)];
      EXPECT_GE(v, 0);
      total += v;
      if (i == j) diagonal += v;
    }
  }
  EXPECT_EQ(static_cast<size_t>(total), summary.at("test_samples").get<size_t>());
  EXPECT_NEAR(static_cast<double>(diagonal) / static_cast<double>(total),
              summary.at("test_accuracy").get<double>(), 1e-12);
}

TEST_F(CliEval, RunWithoutCheckpointExits1NamingIt) {
  const fs::path run = cwd_.path() / "half";
  fs::create_directories(run);
  write("half/config.toml", to_toml(qmf::testing::small_config(data_dir(), 1)));
  const CommandResult r = exec_qmf({"eval", "--run", run.string()});
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, "checkpoint.qmf")) << r.describe();
}

TEST_F(CliEval, DirectoryWithoutARunExits1NamingConfigToml) {
  fs::create_directories(cwd_.path() / "empty");
  const CommandResult r = exec_qmf({"eval", "--run", "empty"});
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, "config.toml")) << r.describe();
}

TEST_F(CliEval, CorruptCheckpointExits1NamingIt) {
  const fs::path run = cwd_.path() / "run";
  fs::copy(trained_run(), run);
  std::string bytes = slurp(run / "checkpoint.qmf");
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  std::ofstream(run / "checkpoint.qmf", std::ios::binary | std::ios::trunc) << bytes;
  const CommandResult r = exec_qmf({"eval", "--run", "run"});
  EXPECT_EQ(r.code, 1) << r.describe();
  EXPECT_TRUE(contains(r.err, "checkpoint.qmf")) << r.describe();
  EXPECT_TRUE(contains(r.err, "checksum")) << r.describe();
}

TEST_F(CliEval, MissingRunDirectoryOrBadSetExits2) {
  expect_usage_error({"eval", "--run", "no-such-dir"});
  expect_usage_error({"eval"});
  const CommandResult r =
      exec_qmf({"eval", "--run", trained_run().string(), "--set", "train.lr=1"});
  EXPECT_EQ(r.code, 2) << r.describe();
}

TEST_F(CliData, UnknownDatasetExits2) {
  const CommandResult r = expect_usage_error({"data", "fetch", "nosuch"});
  EXPECT_TRUE(contains(r.err, "nosuch")) << r.describe();
  expect_usage_error({"data"});
  expect_usage_error({"data", "fetch"});
}

TEST_F(CliData, FetchWithEveryFilePresentDoesNothingAndSucceeds) {
  const CommandResult r = exec_qmf({"data", "fetch", "mnist", "--dir", data_dir().string()});
  EXPECT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, data_dir().string())) << r.describe();
  EXPECT_FALSE(contains(r.err, "fetching")) << r.describe();
}

TEST_F(CliBench, PrintsOneJsonLine) {
  for (const char* precision : {"double", "float"}) {
    const CommandResult r =
        exec_qmf({"bench", "--seconds", "0.05", "--threads", "1", "--precision", precision});
    ASSERT_EQ(r.code, 0) << r.describe();
    ASSERT_FALSE(r.out.empty());
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_EQ(r.out.back(), '\n');
    const nlohmann::json j = nlohmann::json::parse(r.out);
    for (const char* key : {"forward_samples_per_s", "gradient_samples_per_s"}) {
      ASSERT_TRUE(j.contains(key)) << key << " in " << r.out;
      EXPECT_GT(j.at(key).get<double>(), 0) << r.out;
    }
    EXPECT_LT(j.at("gradient_samples_per_s").get<double>(),
              j.at("forward_samples_per_s").get<double>())
        << "a forward+gradient pass faster than a forward pass: " << r.out;
    EXPECT_EQ(j.at("threads"), 1) << r.out;
    EXPECT_EQ(j.at("precision"), precision) << r.out;
  }
}

// The layered circuit: its own line, in the layout the rule chose for one state (amplitude lanes
// wherever the CPU has SIMD) or the one asked for.
TEST_F(CliBench, LayeredCircuitPrintsMillisecondsPerLayer) {
  for (const char* layout : {"auto", "samples"}) {
    const CommandResult r =
        exec_qmf({"bench", "--circuit", "layers", "--qubits", "10", "--layers", "2", "--seconds",
                  "0.02", "--threads", "1", "--precision", "float", "--layout", layout});
    ASSERT_EQ(r.code, 0) << r.describe();
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_GE(j.at("ms_per_layer").get<double>(), 0) << r.out;
    EXPECT_EQ(j.at("qubits"), 10) << r.out;
    EXPECT_EQ(j.at("batch"), 1) << r.out;
    EXPECT_EQ(j.at("layers"), 2) << r.out;
    EXPECT_EQ(j.at("threads"), 1) << r.out;
    EXPECT_EQ(j.at("precision"), "float") << r.out;
    EXPECT_EQ(j.at("isa"), std::string(qmf::isa_name(qmf::best_isa()))) << r.out;
    const bool simd = qmf::best_isa() != qmf::Isa::Scalar;
    EXPECT_EQ(j.at("layout"), std::string(layout) == "auto" && simd ? "amplitudes" : "samples")
        << r.out;
  }
}

TEST_F(CliBench, BadOptionsExit2) {
  expect_usage_error({"bench", "--circuit", "ring"});
  expect_usage_error({"bench", "--circuit", "layers", "--qubits", "1"});
  expect_usage_error({"bench", "--circuit", "layers", "--layers", "0"});
  expect_usage_error({"bench", "--layout", "rows"});
  expect_usage_error({"bench", "--isa", "sse9"});
  expect_usage_error({"bench", "--precision", "half"});
  expect_usage_error({"bench", "--seconds", "0"});
  expect_usage_error({"bench", "--seconds", "-1"});
  expect_usage_error({"bench", "--threads", "-2"});
  expect_usage_error({"bench", "--batch", "0"});
}

}  // namespace
}  // namespace qmf

namespace qmf {
namespace {

class CliCompare : public Cli {};

// The CI-sized study through the command line: every output file, and a rerun that resumes.
TEST_F(CliCompare, TinyStudyWritesTableCsvAndPlotAndResumes) {
  const fs::path study =
      write("study.toml",
            "seeds = [0, 1]\n[base]\n\"data.dir\" = \"" + data_dir().string() +
                "\"\n\"data.classes\" = [0, 1, 2, 3]\n\"data.validation\" = 0.1\n\"model.k\" = 3\n"
                "\"train.batch\" = 16\n\"train.threads\" = 1\n"
                "[[models]]\nname = \"qmfnn\"\nset = { \"model.kind\" = \"qmfnn\" }\n"
                "[[models]]\nname = \"tfn-4\"\nset = { \"model.kind\" = \"tfn\", "
                "\"model.fusion_dim\" = 4 }\n");
  const std::vector<std::string> args = {"compare", "--config", study.string(),  "--out",
                                         "study",   "--set",    "train.epochs=2"};
  const CommandResult r = exec_qmf(args);
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "| qmfnn |")) << r.out;
  EXPECT_TRUE(contains(r.out, "| tfn-4 |")) << r.out;
  const fs::path out = cwd_.path() / "study";
  for (const char* f :
       {"compare.csv", "compare.md", "accuracy_vs_params.png", "accuracy_vs_params.svg"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_EQ(qmf::testing::read_csv(out / "compare.csv").size(), 5u);
  for (const char* run : {"qmfnn-s0", "qmfnn-s1", "tfn-4-s0", "tfn-4-s1"})
    for (const char* figure : {"curves.png", "confusion.png"})
      EXPECT_TRUE(qmf::testing::is_complete_png(out / "runs" / run / figure)) << run << figure;
  const CommandResult again = exec_qmf(args);
  ASSERT_EQ(again.code, 0) << again.describe();
  EXPECT_FALSE(contains(again.err, "seed")) << "a finished study trained again: " << again.err;
}

TEST_F(CliCompare, BadStudyExits2NamingTheKey) {
  const fs::path study = write(
      "bad.toml", "seeds = [0]\n[[models]]\nname = \"a\"\nset = { \"model.kindd\" = \"qmfnn\" }\n");
  const CommandResult r = exec_qmf({"compare", "--config", study.string()});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "model.kindd")) << r.describe();
  EXPECT_EQ(qmf::testing::file_names(cwd_.path()), std::vector<std::string>{"bad.toml"});
}

}  // namespace
}  // namespace qmf
