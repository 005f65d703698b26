// Every command against bad input, run as a user would run it: outputs that cannot be written,
// inputs that do not exist, checkpoints of another model or version, config keys of the wrong
// type, NaN and infinity in data and settings, and bad flags. Each case must end in a normal exit
// with code 2 (usage error) or 1 (runtime failure) and a message naming the file, key or flag and
// the problem: never a signal, an abort, or an exception that escaped as an internal error.
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "data/fetch/temp_dir.h"
#include "data/formats/idx_write.h"
#include "support/checkpoint_bytes.h"
#include "support/file_write.h"
#include "support/npy_write.h"
#include "support/run_command.h"
#include "support/train_support.h"
#include "support/trained_runs.h"
#include "train/checkpoint.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::CommandResult;
using qmf::testing::contains;
using qmf::testing::slurp;

using Args = std::vector<std::string>;

// One bad invocation and what it must produce.
struct Case {
  Args args;
  int code;                       // 1 or 2
  std::vector<std::string> says;  // each must appear in stderr
};

class CliBadInput : public ::testing::Test {
 protected:
  // Generated MNIST look-alike data and a finished one-epoch run of a qmfnn and of a late-fusion
  // model, shared by the suite.
  static void SetUpTestSuite() {
    shared_ = new data::TempDir("qmf-cli-bad-input");
    qmf::testing::write_data_and_runs(shared_->path(), {"qmfnn", "late"}, 120, 40);
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static fs::path data_dir() { return shared_->path() / "data"; }

  // The shared run of `kind`, copied into the working directory as `name`.
  fs::path copy_run(const std::string& kind, const std::string& name = "run") const {
    const fs::path run = cwd_.path() / name;
    fs::copy(shared_->path() / kind, run, fs::copy_options::recursive);
    return run;
  }

  // Settings for a quick training run on the generated data.
  static Args quick_train(Args more = {}) {
    Args args = {"train",
                 "--set",
                 "data.dir=" + data_dir().string(),
                 "--set",
                 "data.classes=[0,1,2,3]",
                 "--set",
                 "model.k=2",
                 "--set",
                 "train.epochs=1",
                 "--set",
                 "train.threads=1"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = cwd_.path() / name;
    qmf::testing::write_text(p, text);
    return p;
  }

  void expect(const Case& c) const {
    std::string line = "qmf";
    for (const std::string& a : c.args) line += " " + a;
    SCOPED_TRACE(line);
    const CommandResult r = qmf::testing::run_qmf(c.args, cwd_.path(), cwd_.path() / "no-data");
    ASSERT_TRUE(r.exited) << "not a normal exit: " << r.describe();
    EXPECT_EQ(r.code, c.code) << r.describe();
    EXPECT_FALSE(contains(r.err, "internal error")) << r.describe();
    for (const std::string& part : c.says) EXPECT_TRUE(contains(r.err, part)) << r.describe();
  }

  void expect_all(const std::vector<Case>& cases) const {
    for (const Case& c : cases) expect(c);
  }

  static inline data::TempDir* shared_ = nullptr;
  data::TempDir cwd_{"qmf-cli-bad-input-cwd"};
};

// A regular file where a directory is needed: no command can write below it, whoever runs the
// test (permission bits would not stop root).
TEST_F(CliBadInput, OutputsThatCannotBeWrittenExit1NamingThePath) {
  const fs::path blocker = write("blocker", "keep me\n");
  const fs::path run = copy_run("qmfnn");
  const fs::path study = write("study.toml",
                               "seeds = [0]\n[[models]]\nname = \"q\"\nset = { \"model.kind\" = "
                               "\"qmfnn\" }\n");
  const std::string under = (blocker / "x").string();
  expect_all({
      {quick_train({"--out", under}), 1, {under, "Not a directory"}},
      {quick_train({"--out", blocker.string()}), 1, {blocker.string(), "Not a directory"}},
      {{"compare", "--config", study.string(), "--out", under}, 1, {under, "Not a directory"}},
      {{"explain", "--run", run.string(), "--out", under},
       1,
       {blocker.string(), "Not a directory"}},
      {{"export", "--run", run.string(), "--sample", "0", "--out", under + "/c.qasm"},
       1,
       {"--out " + under + "/c.qasm", "Not a directory"}},
      {{"data", "fetch", "mnist", "--dir", under}, 1, {under, "Not a directory"}},
      {quick_train({"--set", "data.dir=" + under}), 1, {under, "Not a directory"}},
  });
  EXPECT_EQ(slurp(blocker), "keep me\n");
  EXPECT_EQ(qmf::testing::file_names(run), qmf::testing::file_names(shared_->path() / "qmfnn"))
      << "a failed command left something in the run";
}

TEST_F(CliBadInput, OutputsThatAreTheWrongKindOfThingExit2) {
  const fs::path blocker = write("blocker", "keep me\n");
  const fs::path run = copy_run("qmfnn");
  expect_all({
      {{"explain", "--run", run.string(), "--out", blocker.string()},
       2,
       {"--out " + blocker.string(), "not a directory"}},
      {{"explain", "--run", run.string(), "--out", run.string()},
       2,
       {"--out " + run.string(), "no explain.json"}},
      {{"export", "--run", run.string(), "--sample", "0", "--out", run.string()},
       2,
       {"--out " + run.string(), "is a directory"}},
      {quick_train({"--out", run.string()}), 2, {"already holds a run", "--resume"}},
      {quick_train({"--out", cwd_.path().string()}), 2, {"holds other files"}},
  });
  EXPECT_EQ(slurp(blocker), "keep me\n");
  EXPECT_FALSE(fs::exists(cwd_.path() / "config.toml"));
}

// What a qmf killed while writing leaves behind does not count as the user's files.
TEST_F(CliBadInput, ADirectoryHoldingOnlyLeftoverTemporariesTakesANewRun) {
  write("fresh/config.toml.tmp-4242", "half a config");
  expect(Case{quick_train({"--out", "fresh"}), 0, {}});
  EXPECT_TRUE(fs::exists(cwd_.path() / "fresh" / "summary.json"));
}

TEST_F(CliBadInput, InputsThatDoNotExistAreNamed) {
  const std::string none = (cwd_.path() / "none").string();
  expect_all({
      {{"train", "--config", none + ".toml"}, 2, {"--config", none + ".toml"}},
      {{"train", "--resume", none}, 2, {"--resume", none}},
      {{"eval", "--run", none}, 2, {"--run", none}},
      {{"explain", "--run", none}, 2, {"--run", none}},
      {{"export", "--run", none, "--sample", "0"}, 2, {"--run", none}},
      {{"compare", "--config", none + ".toml"}, 2, {"--config", none + ".toml"}},
      {quick_train({"--set", "data.view=files", "--set", "data.files=" + none}),
       1,
       {none, "data.files"}},
      {quick_train({"--set", "data.view=mnist+fsdd", "--set", "data.fsdd=" + none}), 1, {none}},
  });
}

// A run directory holding a checkpoint that is not its own: every command that reads it refuses
// it, naming the file and why.
TEST_F(CliBadInput, CheckpointsOfAnotherModelOrVersionOrDamagedAreRefusedByEveryCommand) {
  const std::string newer_version = fmt::format("version {}", train::kCheckpointVersion + 1);
  struct Damage {
    const char* name;
    std::string says;
    bool names_the_file;  // else the run directory: there is no file to name
    void (*apply)(const fs::path& ckpt, const fs::path& late_ckpt);
  };
  const std::vector<Damage> damages = {
      {"another model", "'late' model, not 'qmfnn'", true,
       [](const fs::path& ckpt, const fs::path& late) {
         fs::copy_file(late, ckpt, fs::copy_options::overwrite_existing);
       }},
      {"a newer version", newer_version, true,
       [](const fs::path& ckpt, const fs::path&) {
         auto parts = qmf::testing::checkpoint_parts(slurp(ckpt));
         parts.version = train::kCheckpointVersion + 1;
         qmf::testing::write_bytes(ckpt, qmf::testing::checkpoint_bytes(parts));
       }},
      {"a truncated file", "checksum", true,
       [](const fs::path& ckpt, const fs::path&) {
         const std::string bytes = slurp(ckpt);
         qmf::testing::write_bytes(ckpt, bytes.substr(0, bytes.size() / 2));
       }},
      {"no file", "checkpoint.qmf", false,
       [](const fs::path& ckpt, const fs::path&) { fs::remove(ckpt); }},
  };
  const fs::path late_ckpt = shared_->path() / "late" / "checkpoint.qmf";
  for (const Damage& d : damages) {
    SCOPED_TRACE(d.name);
    const fs::path run = copy_run("qmfnn", std::string("run-") + d.name);
    const fs::path ckpt = run / "checkpoint.qmf";
    d.apply(ckpt, late_ckpt);
    const std::string before = slurp(ckpt);
    const std::string named = d.names_the_file ? ckpt.string() : run.string();
    expect_all({
        {{"train", "--resume", run.string()}, 1, {named, d.says}},
        {{"eval", "--run", run.string()}, 1, {named, d.says}},
        {{"explain", "--run", run.string()}, 1, {named, d.says}},
        {{"export", "--run", run.string(), "--sample", "0"}, 1, {named, d.says}},
    });
    EXPECT_EQ(slurp(ckpt), before) << "a refused checkpoint was changed";
    EXPECT_FALSE(fs::exists(run / "explain")) << "explain left output behind";
  }
}

// Each key with a value of the wrong type, through --set, through a config file (which also names
// the line), and through the --set of the commands that read a finished run.
TEST_F(CliBadInput, ConfigKeysOfTheWrongTypeExit2NamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> wrong = {
      {"train.epochs", "\"two\""},  {"train.lr", "[1]"},          {"train.threads", "1.5"},
      {"train.optimizer", "5"},     {"train.seed", "true"},       {"model.k", "\"x\""},
      {"model.hidden", "7"},        {"model.kind", "[1, 2]"},     {"data.view", "3"},
      {"data.classes", "\"zero\""}, {"data.validation", "\"a\""}, {"data.standardize", "2"},
      {"data.train_limit", "-1.5"}, {"sim.precision", "64"},
  };
  for (const auto& [key, value] : wrong) {
    const std::string section = key.substr(0, key.find('.'));
    const std::string name = key.substr(key.find('.') + 1);
    const fs::path file = write("bad.toml", fmt::format("[{}]\n{} = {}\n", section, name, value));
    expect_all({
        {{"train", "--set", key + "=" + value}, 2, {key}},
        {{"train", "--config", file.string()}, 2, {file.string() + ":2:", key}},
    });
  }
  const fs::path run = copy_run("qmfnn");
  expect_all({
      {{"eval", "--run", run.string(), "--set", "data.test_limit=abc"}, 2, {"data.test_limit"}},
      {{"explain", "--run", run.string(), "--set", "data.classes=x"}, 2, {"data.classes"}},
      {{"export", "--run", run.string(), "--sample", "0", "--set", "train.threads=two"},
       2,
       {"train.threads"}},
  });
  // The run's own config.toml edited by hand: the file and line are named.
  std::string config = slurp(run / "config.toml");
  const size_t at = config.find("epochs = ");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, config.find('\n', at) - at, "epochs = \"two\"");
  write("run/config.toml", config);
  expect_all({
      {{"eval", "--run", run.string()}, 2, {(run / "config.toml").string(), "train.epochs"}},
      {{"train", "--resume", run.string()}, 2, {(run / "config.toml").string(), "train.epochs"}},
  });
}

TEST_F(CliBadInput, NaNAndInfinityAreRefusedInDataAndSettings) {
  // The user's own data with a NaN in one file and an infinity in the other.
  const fs::path files = cwd_.path() / "mine";
  for (const char* split : {"train", "test"}) {
    std::vector<double> values;
    std::string labels;
    for (int i = 0; i < 8; ++i) {
      values.insert(values.end(), {i * 0.5, 1.0 - i});
      labels += std::to_string(i % 2) + "\n";
    }
    write(std::string("mine/") + split + "/labels.csv", labels);
    if (std::string(split) == "test") values[5] = std::numeric_limits<double>::quiet_NaN();
    qmf::testing::write_bytes(files / split / "1-a.npy", qmf::testing::npy_f8(8, 2, values));
    std::string csv;
    for (int i = 0; i < 8; ++i)
      csv += i == 3 && std::string(split) == "train" ? "1,inf\n" : "1,2\n";
    write(std::string("mine/") + split + "/2-b.csv", csv);
  }
  const Args on_files = {"--set", "data.view=files", "--set", "data.files=" + files.string()};
  expect(Case{
      quick_train(on_files), 1, {(files / "train" / "2-b.csv").string() + ":4:3", "infinite"}});
  write("mine/train/2-b.csv", "1,2\n1,2\n1,2\n1,2\n1,2\n1,2\n1,2\n1,2\n");
  expect(Case{quick_train(on_files), 1, {(files / "test" / "1-a.npy").string(), "NaN at row 2"}});

  expect_all({
      {{"train", "--set", "train.lr=nan"}, 2, {"train.lr", "finite"}},
      {{"train", "--set", "train.lr=inf"}, 2, {"train.lr", "finite"}},
      {{"train", "--set", "data.validation=nan"}, 2, {"data.validation"}},
      {{"train", "--set", "data.corrupt.sigma=inf"}, 2, {"data.corrupt.sigma", "finite"}},
      {{"train", "--set", "data.corrupt.fraction=nan"}, 2, {"data.corrupt.fraction"}},
      {{"bench", "--seconds", "nan"}, 2, {"--seconds", "nan"}},
      {{"bench", "--seconds", "inf"}, 2, {"--seconds", "inf"}},
  });
}

// A study rerun into the same directory resumes it; with other settings it must not report the
// old runs under the new settings.
TEST_F(CliBadInput, AStudyRerunWithOtherSettingsExits2NamingTheDifference) {
  const fs::path study = write("study.toml", fmt::format(R"(seeds = [0]
[base]
"data.dir" = "{}"
"data.classes" = [0, 1, 2, 3]
"train.epochs" = 1
"train.threads" = 1
[[models]]
name = "e"
set = {{ "model.kind" = "early", "model.hidden" = [4] }}
)",
                                                         data_dir().string()));
  const Args run = {"compare", "--config", study.string(), "--out", "study"};
  const CommandResult first = qmf::testing::run_qmf(run, cwd_.path(), cwd_.path() / "no-data");
  ASSERT_EQ(first.code, 0) << first.describe();
  Args longer = run;
  longer.insert(longer.end(), {"--set", "train.epochs=2"});
  expect(Case{longer, 2, {"runs/e-s0", "train.epochs: 1 vs 2"}});
  const std::string table = slurp(cwd_.path() / "study" / "compare.md");
  const CommandResult again = qmf::testing::run_qmf(run, cwd_.path(), cwd_.path() / "no-data");
  EXPECT_EQ(again.code, 0) << again.describe();
  EXPECT_EQ(slurp(cwd_.path() / "study" / "compare.md"), table);
}

// A finished run read with data settings that reshape its inputs: the model cannot take them.
TEST_F(CliBadInput, DataOverridesThatReshapeTheInputsExit2NamingThem) {
  const std::string r = copy_run("qmfnn").string();
  expect_all({
      {{"eval", "--run", r, "--set", "data.modalities=[1]"},
       2,
       {"--set data.modalities=[1]", "another shape"}},
      {{"explain", "--run", r, "--set", "data.view=mnist/split-q4"},
       2,
       {"--set data.view=mnist/split-q4", "another shape"}},
      {{"export", "--run", r, "--sample", "0", "--set", "data.pool=true"},
       2,
       {"--set data.pool=true", "another shape"}},
  });
}

// Sizes that could not fit in memory are refused before anything is allocated: a typo must not
// end in the out-of-memory killer.
TEST_F(CliBadInput, SizesBeyondWhatFitsExit2NamingTheKey) {
  expect_all({
      {quick_train({"--set", "data.view=mnist/split-q4", "--set", "model.k=[12]"}),
       2,
       {"model.k", "48 qubits", "at most 24"}},
      {{"train", "--set", "model.hidden=[100000000]"}, 2, {"model.hidden", "65536"}},
      {{"train", "--set", "model.ffn_hidden=[8,1000000]"}, 2, {"model.ffn_hidden", "65536"}},
      {{"train", "--set", "model.fusion_dim=1000000"}, 2, {"model.fusion_dim"}},
      {{"train", "--set", "model.fusion_layers=100000"}, 2, {"model.fusion_layers"}},
      {{"train", "--set", "train.threads=100000"}, 2, {"train.threads"}},
      {quick_train({"--set", "model.kind=tfn", "--set", "data.view=mnist/split-q4", "--set",
                    "model.fusion_dim=200"}),
       2,
       {"model.fusion_dim", "tfn"}},
  });
}

// The bundled data files damaged: a label out of range, a file cut short, and garbage.
TEST_F(CliBadInput, DamagedDataFilesExit1NamingTheFile) {
  const fs::path data = cwd_.path() / "data";
  fs::copy(data_dir(), data, fs::copy_options::recursive);
  const fs::path labels = data / "mnist" / "t10k-labels-idx1-ubyte";
  const fs::path images = data / "mnist" / "train-images-idx3-ubyte";
  const Args here = {"--set", "data.dir=" + data.string()};

  std::vector<int> bad_labels(40, 1);
  bad_labels[17] = 12;
  data::write_idx_labels(labels, bad_labels);
  expect(Case{quick_train(here), 1, {labels.string(), "12"}});
  fs::copy_file(data_dir() / "mnist" / labels.filename(), labels,
                fs::copy_options::overwrite_existing);

  const std::string bytes = slurp(images);
  qmf::testing::write_bytes(images, bytes.substr(0, bytes.size() - 5));
  expect(Case{quick_train(here), 1, {images.string()}});
  qmf::testing::write_text(images, "not an idx file");
  expect(Case{quick_train(here), 1, {images.string()}});

  // A finished run evaluated against the damaged data.
  const fs::path run = copy_run("qmfnn");
  expect(Case{
      {"eval", "--run", run.string(), "--set", "data.dir=" + data.string()}, 1, {images.string()}});
}

TEST_F(CliBadInput, BadFlagsExit2NamingTheFlag) {
  const fs::path run = copy_run("qmfnn");
  const std::string r = run.string();
  expect_all({
      {{"train", "--no-such-flag"}, 2, {"--no-such-flag"}},
      {{"eval", "--run", r, "--bogus"}, 2, {"--bogus"}},
      {{"explain", "--run", r, "--bogus"}, 2, {"--bogus"}},
      {{"export", "--run", r, "--sample", "0", "--bogus"}, 2, {"--bogus"}},
      {{"compare", "--config", r + "/config.toml", "--bogus"}, 2, {"--bogus"}},
      {{"data", "fetch", "mnist", "--bogus"}, 2, {"--bogus"}},
      {{"bench", "--bogus"}, 2, {"--bogus"}},
      {{"frobnicate"}, 2, {"unknown command 'frobnicate'"}},
      {{"trian"}, 2, {"unknown command 'trian'", "did you mean 'train'?"}},
      {{"data", "fecth", "mnist"}, 2, {"unknown command 'fecth'", "did you mean 'fetch'?"}},
      {{"train", "--out"}, 2, {"--out"}},
      {{"train", "--set"}, 2, {"--set"}},
      {{"train", "--set", "train.epochs"}, 2, {"key=value"}},
      {{"train", "--set", "no.such_key=1"}, 2, {"no.such_key"}},
      {{"train", "--config", r + "/config.toml", "--resume", r}, 2, {"--config", "--resume"}},
      {{"train", "--resume", r, "--out", r}, 2, {"--out", "--resume"}},
      {{"train", "--resume", r, "--set", "model.k=3"}, 2, {"model.k"}},
      {{"eval"}, 2, {"--run"}},
      {{"eval", "--run", r, "--set", "train.epochs=3"}, 2, {"train.epochs"}},
      {{"explain", "--run", r, "--samples", "0"}, 2, {"--samples"}},
      {{"explain", "--run", r, "--samples", "many"}, 2, {"--samples"}},
      {{"export", "--run", r}, 2, {"--sample"}},
      {{"export", "--run", r, "--sample", "abc"}, 2, {"--sample"}},
      {{"export", "--run", r, "--sample", "-1"}, 2, {"--sample -1"}},
      {{"export", "--run", r, "--sample", "99999999999"}, 2, {"--sample 99999999999"}},
      {{"export", "--run", r, "--sample", "0", "--format", "qasm4"}, 2, {"--format"}},
      {{"compare"}, 2, {"--config"}},
      {{"data"}, 2, {"subcommand"}},
      {{"data", "fetch"}, 2, {"which"}},
      {{"data", "fetch", "imagenet"}, 2, {"imagenet"}},
      {{"bench", "--batch", "0"}, 2, {"--batch", "[1, 65536]"}},
      {{"bench", "--batch", "1.5"}, 2, {"--batch"}},
      {{"bench", "--threads", "-1"}, 2, {"--threads"}},
      {{"bench", "--precision", "half"}, 2, {"--precision"}},
  });
  EXPECT_EQ(qmf::testing::file_names(run), qmf::testing::file_names(shared_->path() / "qmfnn"));
}

}  // namespace
}  // namespace qmf
