#include "train/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "train/config_suggest.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

// Each test gets its own directory, removed afterwards, so tests can run in parallel.
class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "qmf-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
};

// Runs `f`, which must throw exactly E (a UsageError is also an Error, so the type is compared),
// and returns the message.
template <class E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(typeid(e), typeid(E)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return {};
}

void expect_usage_error(const std::function<void()>& f,
                        std::initializer_list<std::string_view> parts) {
  const std::string what = message_of<UsageError>(f);
  for (const std::string_view part : parts)
    EXPECT_NE(what.find(part), std::string::npos) << "'" << part << "' not in: " << what;
}

void expect_bad_set(std::string_view assignment, std::initializer_list<std::string_view> parts) {
  Config config;
  expect_usage_error([&] { apply_override(config, assignment); }, parts);
  EXPECT_EQ(config, Config{}) << "a rejected --set must leave the config as it was";
}

void expect_bad_text(const std::string& text, std::initializer_list<std::string_view> parts) {
  expect_usage_error([&] { (void)parse_config(text, "bad.toml"); }, parts);
}

Config with(std::initializer_list<std::string_view> assignments) {
  Config config;
  for (const std::string_view a : assignments) apply_override(config, a);
  return config;
}

// ---- defaults ----

TEST(ConfigDefaults, AreTheDocumentedOnes) {
  const Config c;
  EXPECT_EQ(c.data.dir, "");
  EXPECT_EQ(c.data.view, "mnist/split-h2");
  EXPECT_EQ(c.data.train_limit, 0u);
  EXPECT_EQ(c.data.test_limit, 0u);
  EXPECT_FALSE(c.data.pool);
  EXPECT_FALSE(c.data.standardize);
  EXPECT_TRUE(c.data.classes.empty());
  EXPECT_EQ(c.model.kind, "qmfnn");
  EXPECT_EQ(c.model.encoding, Encoding::amplitude);
  EXPECT_EQ(c.model.k, std::vector<int>{4});
  EXPECT_TRUE(c.model.ffn_hidden.empty());
  EXPECT_EQ(c.model.ffn_activation, nn::Activation::relu);
  EXPECT_EQ(c.model.fusion_layers, 2);
  EXPECT_TRUE(c.model.qcnn_share);
  EXPECT_EQ(c.model.conv_block, ConvBlock::conv6);
  EXPECT_EQ(c.model.readout, Readout::expval);
  EXPECT_EQ(c.train.epochs, 1);
  EXPECT_EQ(c.train.batch, 64);
  EXPECT_EQ(c.train.lr, 0.01);
  EXPECT_EQ(c.train.optimizer, nn::OptimizerKind::adam);
  EXPECT_EQ(c.train.seed, 0u);
  EXPECT_EQ(c.train.threads, 0);
  EXPECT_EQ(c.sim.precision, Precision::f64);
  EXPECT_NO_THROW(validate(c));
}

TEST(ConfigDefaults, EmptyTextGivesDefaults) { EXPECT_EQ(parse_config(""), Config{}); }

TEST(ConfigOptions, EveryNameReadsBack) {
  for (const auto& s : kEncodings) EXPECT_EQ(parse_choice<Encoding>(name_of(s.value)), s.value);
  for (const auto& s : kPrecisions) EXPECT_EQ(parse_choice<Precision>(s.name), s.value);
  EXPECT_EQ(name_of(Precision::f32), "float");
  EXPECT_FALSE(parse_choice<Readout>("logits").has_value());
}

TEST(ConfigCorrupt, NestedKeysReadFromTablesAndOverridesAndWriteBack) {
  Config c = parse_config(R"(
[data.corrupt]
modality = 2
kind = "blank"
fraction = 0.25
)");
  EXPECT_EQ(c.data.corrupt_modality, 2u);
  EXPECT_EQ(c.data.corrupt_kind, CorruptKind::blank);
  EXPECT_EQ(c.data.corrupt_fraction, 0.25);
  apply_override(c, "data.corrupt.sigma=0.8");
  apply_override(c, "data.corrupt.kind=noise");
  EXPECT_EQ(c.data.corrupt_sigma, 0.8);
  EXPECT_EQ(parse_config(to_toml(c)), c);
  EXPECT_THROW(apply_override(c, "data.corrupt.fraction=1.5"), UsageError);
  EXPECT_THROW(apply_override(c, "data.corrupt.kind=smudge"), UsageError);
  EXPECT_THROW(apply_override(c, "data.corrupt.modality=-1"), UsageError);
}

TEST(ConfigFrontend, CnnKeysReadFromTheirTableAndOverridesAndWriteBack) {
  const Config d;
  EXPECT_EQ(d.model.frontend, Frontend::mlp);
  EXPECT_EQ(d.model.cnn.channels, (std::vector<int>{16, 32}));
  EXPECT_EQ(d.model.cnn.kernel, 3);
  EXPECT_EQ(d.model.cnn.pooling, nn::Pooling::max);
  EXPECT_EQ(d.data.augment, Augment::automatic);
  Config c = parse_config(R"(
[data]
augment = "crop-flip"
[model]
kind = "late"
frontend = "cnn"
[model.cnn]
channels = [8, 16, 32]
kernel = 5
pooling = "avg"
)");
  EXPECT_EQ(c.model.frontend, Frontend::cnn);
  EXPECT_EQ(c.model.cnn.channels, (std::vector<int>{8, 16, 32}));
  EXPECT_EQ(c.model.cnn.kernel, 5);
  EXPECT_EQ(c.model.cnn.pooling, nn::Pooling::avg);
  EXPECT_EQ(c.data.augment, Augment::crop_flip);
  apply_override(c, "model.cnn.dropout=0.25");
  apply_override(c, "model.cnn.pool=1");
  EXPECT_EQ(c.model.cnn.dropout, 0.25);
  EXPECT_EQ(parse_config(to_toml(c)), c) << to_toml(c);
  expect_bad_set("model.cnn.kernel=4", {"model.cnn.kernel", "even"});
  expect_bad_set("model.cnn.kernel=17", {"model.cnn.kernel"});
  expect_bad_set("model.cnn.channels=[]", {"model.cnn.channels"});
  expect_bad_set("model.cnn.channels=[16, 0]", {"model.cnn.channels"});
  expect_bad_set("model.cnn.pooling=min", {"model.cnn.pooling", "max", "avg"});
  expect_bad_set("model.frontend=rnn", {"model.frontend", "mlp", "cnn"});
  expect_bad_set("data.augment=rotate", {"data.augment", "crop-flip"});
}

// ---- files ----

TEST_F(ConfigFile, ReadsSectionTables) {
  const Config c = load_config(write("run.toml", R"(
# a comment
[data]
dir = "/data/qmf"
view = "fashion/split-v2"
train_limit = 1000
test_limit = 200
pool = true
standardize = true
classes = [0, 1]

[model]
encoding = "belief"
k = [3, 5]
ffn_hidden = [32, 16]
ffn_activation = "tanh"
fusion_layers = 0
qcnn_share = false
conv_block = "su4"
readout = "expval"

[train]
epochs = 5
batch = 32
lr = 0.005
optimizer = "sgd"
seed = 42
threads = 4

[sim]
precision = "float"
)"));
  EXPECT_EQ(c.data.dir, "/data/qmf");
  EXPECT_EQ(c.data.view, "fashion/split-v2");
  EXPECT_EQ(c.data.train_limit, 1000u);
  EXPECT_EQ(c.data.test_limit, 200u);
  EXPECT_TRUE(c.data.pool);
  EXPECT_TRUE(c.data.standardize);
  EXPECT_EQ(c.data.classes, (std::vector<int>{0, 1}));
  EXPECT_EQ(c.model.encoding, Encoding::belief);
  EXPECT_EQ(c.model.k, (std::vector<int>{3, 5}));
  EXPECT_EQ(c.model.ffn_hidden, (std::vector<int>{32, 16}));
  EXPECT_EQ(c.model.ffn_activation, nn::Activation::tanh);
  EXPECT_EQ(c.model.fusion_layers, 0);
  EXPECT_FALSE(c.model.qcnn_share);
  EXPECT_EQ(c.model.conv_block, ConvBlock::su4);
  EXPECT_EQ(c.model.readout, Readout::expval);
  EXPECT_EQ(c.train.epochs, 5);
  EXPECT_EQ(c.train.batch, 32);
  EXPECT_EQ(c.train.lr, 0.005);
  EXPECT_EQ(c.train.optimizer, nn::OptimizerKind::sgd);
  EXPECT_EQ(c.train.seed, 42u);
  EXPECT_EQ(c.train.threads, 4);
  EXPECT_EQ(c.sim.precision, Precision::f32);
}

TEST_F(ConfigFile, ReadsDottedKeysAndLeavesTheRestAtDefaults) {
  const Config c = load_config(write("dotted.toml", R"(
train.epochs = 3
train.lr = 1
model.k = 6
model.encoding = "angle"
data.classes = [3, 8]
)"));
  Config expected;
  expected.train.epochs = 3;
  expected.train.lr = 1.0;  // an integer where a number is wanted is fine
  expected.model.k = {6};   // a single k means the same k for every modality
  expected.model.encoding = Encoding::angle;
  expected.data.classes = {3, 8};
  EXPECT_EQ(c, expected);
}

TEST_F(ConfigFile, ReadsDottedKeysAlongsideTables) {
  const Config c = load_config(write("mixed.toml",
                                     "model.k = [2, 2]\n"
                                     "data.view = \"mnist/split-q4\"\n"
                                     "[train]\nepochs = 2\n"));
  EXPECT_EQ(c.train.epochs, 2);
  EXPECT_EQ(c.model.k, (std::vector<int>{2, 2}));
  EXPECT_EQ(c.data.view, "mnist/split-q4");
}

TEST_F(ConfigFile, MissingFileIsAnIoErrorNamingIt) {
  const fs::path missing = dir_ / "nope.toml";
  const std::string what = message_of<Error>([&] { (void)load_config(missing); });
  EXPECT_NE(what.find(missing.string()), std::string::npos) << what;
}

TEST_F(ConfigFile, DirectoryIsAnIoError) {
  const std::string what = message_of<Error>([&] { (void)load_config(dir_); });
  EXPECT_NE(what.find(dir_.string()), std::string::npos) << what;
}

TEST_F(ConfigFile, SyntaxErrorNamesFileLineAndColumn) {
  const fs::path path = write("broken.toml", "[train]\nepochs = 2\nlr = \n");
  expect_usage_error([&] { (void)load_config(path); },
                     {path.string() + ":3:", "TOML syntax error"});
}

TEST_F(ConfigFile, BadValueNamesFileLineAndKey) {
  const fs::path path = write("range.toml", "[train]\nepochs = 2\nbatch = 0\n");
  expect_usage_error([&] { (void)load_config(path); },
                     {path.string() + ":3:", "train.batch", "at least 1", "got 0"});
}

TEST_F(ConfigFile, UnknownKeyNamesFileLineAndSuggestion) {
  const fs::path path = write("typo.toml", "[train]\nepoch = 3\n");
  expect_usage_error(
      [&] { (void)load_config(path); },
      {path.string() + ":2:", "unknown key 'train.epoch'", "did you mean 'train.epochs'"});
}

TEST(ConfigErrors, FirstMistakeInTheFileIsReported) {
  // Alphabetically 'optim' comes before 'train'; the file has them the other way round.
  expect_bad_text("[train]\nepochs = \"x\"\n[optim]\nlr = 1\n", {"bad.toml:2:", "train.epochs"});
}

// ---- unknown keys ----

TEST(ConfigUnknownKey, SuggestsWithinTwoEdits) {
  expect_bad_text("trian.lr = 0.1", {"'trian'", "did you mean 'train'"});
  expect_bad_text("[model]\nencodng = \"angle\"", {"model.encodng", "'model.encoding'"});
  expect_bad_set("model.fusion_layer=1", {"model.fusion_layer", "'model.fusion_layers'"});
  expect_bad_set("trian.lr=0.1", {"'trian.lr'", "did you mean 'train.lr'"});
}

TEST(ConfigUnknownKey, SuggestsTheKeyOfTheSameNameInAnotherSection) {
  expect_bad_text("epochs = 3", {"unknown key 'epochs'", "did you mean 'train.epochs'"});
  expect_bad_set("data.batch=3", {"'data.batch'", "did you mean 'train.batch'"});
}

TEST(ConfigUnknownKey, NoSuggestionWhenNothingIsClose) {
  const std::string what =
      message_of<UsageError>([] { (void)parse_config("[model]\nqqqqqqqq = 1", "x.toml"); });
  EXPECT_NE(what.find("model.qqqqqqqq"), std::string::npos) << what;
  EXPECT_EQ(what.find("did you mean"), std::string::npos) << what;
  expect_bad_text("[optimizer]\nname = \"adam\"", {"unknown key 'optimizer'"});
}

// ---- wrong types ----

TEST(ConfigWrongType, NamesKeyExpectedAndGiven) {
  expect_bad_text("[train]\nepochs = \"three\"",
                  {"bad.toml:2:", "train.epochs", "expected an integer", "string", "three"});
  expect_bad_text("[train]\nepochs = 2.5", {"train.epochs", "an integer", "floating-point 2.5"});
  expect_bad_text("[train]\nlr = \"fast\"", {"train.lr", "a number", "fast"});
  expect_bad_text("[data]\npool = 1", {"data.pool", "a boolean", "integer 1"});
  expect_bad_text("[data]\nview = 3", {"data.view", "a string", "integer 3"});
  expect_bad_text("[model]\nencoding = [\"angle\"]", {"model.encoding", "a string", "array"});
  expect_bad_text("[model]\nk = [4, \"a\"]", {"model.k", "an integer or a list of integers"});
  expect_bad_text("[model]\nffn_hidden = 8", {"model.ffn_hidden", "a list of integers"});
  expect_bad_text("[model]\nk = { a = 1 }", {"model.k", "got table"});
  expect_bad_text("model = 3", {"model: expected", "expected a table", "integer 3"});
}

TEST(ConfigWrongType, InOverrides) {
  expect_bad_set("train.lr=abc", {"--set train.lr=abc", "train.lr", "a number", "abc"});
  expect_bad_set("train.epochs=2.0", {"train.epochs", "an integer", "2.0"});
  expect_bad_set("model.qcnn_share=yes", {"model.qcnn_share", "a boolean", "yes"});
  expect_bad_set("model.k=[4,x]", {"model.k", "a list of integers"});
  expect_bad_set("train.batch=1\nlr=3", {"train.batch", "an integer"});
}

// ---- ranges ----

TEST(ConfigRange, RejectsValuesOutsideTheRules) {
  expect_bad_set("train.epochs=0", {"train.epochs", "at least 1", "got 0"});
  expect_bad_set("train.batch=-4", {"train.batch", "at least 1", "got -4"});
  expect_bad_set("train.lr=0", {"train.lr", "greater than 0"});
  expect_bad_set("train.lr=-0.1", {"train.lr", "greater than 0"});
  expect_bad_set("train.lr=inf", {"train.lr", "finite"});
  expect_bad_set("train.lr=nan", {"train.lr", "finite"});
  expect_bad_set("train.threads=-1", {"train.threads", "between 0 and 1024"});
  expect_bad_set("train.seed=-1", {"train.seed", "at least 0"});
  expect_bad_set("data.train_limit=-1", {"data.train_limit", "at least 0"});
  expect_bad_set("data.test_limit=-5", {"data.test_limit", "at least 0"});
  expect_bad_set("model.fusion_layers=-1", {"model.fusion_layers", "between 0 and 64"});
  expect_bad_set("model.k=13", {"model.k entries", "between 1 and 12", "got 13"});
  expect_bad_set("model.k=[4,0]", {"model.k entries", "between 1 and 12", "got 0"});
  expect_bad_set("model.k=[]", {"model.k", "at least 1 entry", "[]"});
  expect_bad_set("model.ffn_hidden=[16,0]", {"model.ffn_hidden entries", "between 1 and 65536"});
  expect_bad_set("data.classes=[0,10]", {"data.classes entries", "between 0 and 9", "got 10"});
  expect_bad_set("data.classes=[3]", {"data.classes", "at least 2", "[3]"});
  expect_bad_set("data.classes=[1,2,1]", {"data.classes", "1 more than once"});
  expect_bad_set("data.view=", {"data.view", "must not be empty"});
}

TEST(ConfigRange, ValuesTooLargeForTheFieldAreRejectedNotTruncated) {
  expect_bad_set("train.epochs=4294967297", {"train.epochs", "at most 2147483647"});
  expect_bad_set("model.k=[4294967300]", {"model.k entries", "between 1 and 12"});
}

TEST(ConfigRange, AcceptsTheEdges) {
  const Config c =
      with({"model.k=[1,12]", "model.fusion_layers=0", "data.classes=[]", "train.threads=0",
            "data.classes=[9,0]", "train.seed=9223372036854775807"});
  EXPECT_EQ(c.model.k, (std::vector<int>{1, 12}));
  EXPECT_EQ(c.data.classes, (std::vector<int>{9, 0}));
  EXPECT_EQ(c.train.seed, 9223372036854775807u);
}

TEST(ConfigRange, ValidateChecksConfigsBuiltInCode) {
  Config c;
  c.train.lr = -1;
  expect_usage_error([&] { validate(c); }, {"train.lr"});
  c = Config{};
  c.model.kind = "lstm";
  expect_usage_error([&] { validate(c); }, {"model.kind", "lstm", "allowed: qmfnn"});
  c = Config{};
  c.data.classes = {2, 2};
  expect_usage_error([&] { validate(c); }, {"data.classes"});
}

// ---- choices ----

TEST(ConfigChoice, UnknownValueListsTheAllowedOnes) {
  expect_bad_set("model.encoding=amp", {"model.encoding", "'amp'", "amplitude, belief, angle"});
  expect_bad_set("model.kind=nosuch", {"model.kind", "'nosuch'", "allowed: qmfnn, early"});
  expect_bad_set("model.ffn_activation=gelu", {"model.ffn_activation", "relu, tanh"});
  expect_bad_set("model.conv_block=conv8", {"model.conv_block", "conv6, su4"});
  expect_bad_set("model.readout=logits", {"model.readout", "probs, expval"});
  expect_bad_set("train.optimizer=rmsprop", {"train.optimizer", "adam, sgd"});
  expect_bad_set("sim.precision=half", {"sim.precision", "double, float"});
  expect_bad_text("[model]\nencoding = \"Angle\"", {"bad.toml:2:", "model.encoding", "'Angle'"});
}

// ---- overrides ----

TEST(ConfigOverride, AcceptsEveryValueType) {
  const Config c = with(
      {"data.view=mnist/split-v2", "data.dir=/tmp/qmf data", "model.encoding=angle",
       "model.ffn_activation=\"tanh\"", "train.lr=0.05", "train.epochs=7", "train.seed=123",
       "model.qcnn_share=false", "data.pool=true", "model.k=[4,4]", "model.ffn_hidden=[8]",
       "data.classes=[0,1]", "sim.precision=float", "data.train_limit=500", "train.optimizer=sgd"});
  EXPECT_EQ(c.data.view, "mnist/split-v2");
  EXPECT_EQ(c.data.dir, "/tmp/qmf data");
  EXPECT_EQ(c.model.encoding, Encoding::angle);
  EXPECT_EQ(c.model.ffn_activation, nn::Activation::tanh);
  EXPECT_EQ(c.train.lr, 0.05);
  EXPECT_EQ(c.train.epochs, 7);
  EXPECT_EQ(c.train.seed, 123u);
  EXPECT_FALSE(c.model.qcnn_share);
  EXPECT_TRUE(c.data.pool);
  EXPECT_EQ(c.model.k, (std::vector<int>{4, 4}));
  EXPECT_EQ(c.model.ffn_hidden, std::vector<int>{8});
  EXPECT_EQ(c.data.classes, (std::vector<int>{0, 1}));
  EXPECT_EQ(c.sim.precision, Precision::f32);
  EXPECT_EQ(c.data.train_limit, 500u);
  EXPECT_EQ(c.train.optimizer, nn::OptimizerKind::sgd);
}

TEST(ConfigOverride, StringKeysTakeAnyTextThatIsNotAQuotedString) {
  EXPECT_EQ(with({"data.dir=2024"}).data.dir, "2024");
  EXPECT_EQ(with({"data.dir=\"quoted path\""}).data.dir, "quoted path");
  EXPECT_EQ(with({"data.dir=a#b=c"}).data.dir, "a#b=c");       // only the first '=' splits
  EXPECT_EQ(with({"data.dir=/x", "data.dir="}).data.dir, "");  // back to the default directory
  EXPECT_EQ(with({" train.lr = 0.5 "}).train.lr, 0.5);
  EXPECT_EQ(with({"model.k=5"}).model.k, std::vector<int>{5});
  EXPECT_EQ(with({"train.lr=2"}).train.lr, 2.0);
}

TEST(ConfigOverride, LaterOverridesWin) {
  EXPECT_EQ(with({"train.epochs=3", "train.epochs=9"}).train.epochs, 9);
}

TEST(ConfigOverride, MalformedAssignmentShowsTheExpectedForm) {
  expect_bad_set("train.lr", {"'train.lr'", "key=value"});
  expect_bad_set("=0.1", {"key=value"});
  expect_bad_set("", {"key=value"});
  expect_bad_set("  =x", {"key=value"});
}

TEST(ConfigOverride, SectionIsNotAKey) {
  expect_bad_set("model=1", {"'model' is a section", "model.<name>"});
}

// ---- output ----

TEST(ConfigToml, DefaultsRoundTrip) { EXPECT_EQ(parse_config(to_toml(Config{})), Config{}); }

TEST(ConfigToml, EveryFieldRoundTrips) {
  Config c = with({"data.view=cifar10/channels",
                   "data.train_limit=12345",
                   "data.test_limit=7",
                   "data.pool=true",
                   "data.standardize=true",
                   "data.classes=[5,2,7]",
                   "model.encoding=belief",
                   "model.k=[2,3,4]",
                   "model.ffn_hidden=[64,32]",
                   "model.ffn_activation=tanh",
                   "model.fusion_layers=5",
                   "model.qcnn_share=false",
                   "model.conv_block=su4",
                   "model.readout=expval",
                   "train.epochs=11",
                   "train.batch=17",
                   "train.optimizer=sgd",
                   "train.seed=987654321",
                   "train.threads=3",
                   "sim.precision=float"});
  c.data.dir = "odd 'dir' \"with\" \\ tab\t and é";
  c.train.lr = 0.1 + 0.2;  // needs all 17 digits to read back equal
  const std::string text = to_toml(c);
  EXPECT_EQ(parse_config(text, "resolved.toml"), c) << text;
}

TEST(ConfigToml, WritesEveryKeyUnderItsSection) {
  const std::string text = to_toml(Config{});
  for (const std::string_view line : {"[data]\n",
                                      "[model]\n",
                                      "[train]\n",
                                      "[sim]\n",
                                      "dir = ",
                                      "view = ",
                                      "train_limit = 0\n",
                                      "test_limit = 0\n",
                                      "pool = false\n",
                                      "standardize = false\n",
                                      "classes = []\n",
                                      "kind = ",
                                      "encoding = ",
                                      "k = [4]\n",
                                      "ffn_hidden = []\n",
                                      "ffn_activation = ",
                                      "fusion_layers = 2\n",
                                      "qcnn_share = true\n",
                                      "conv_block = ",
                                      "readout = ",
                                      "epochs = 1\n",
                                      "batch = 64\n",
                                      "lr = 0.01\n",
                                      "optimizer = ",
                                      "seed = 0\n",
                                      "threads = 0\n",
                                      "precision = "})
    EXPECT_NE(text.find(line), std::string::npos) << "'" << line << "' not in:\n" << text;
}

TEST_F(ConfigFile, WrittenFileLoadsBack) {
  const Config c = with({"model.k=[3,3]", "train.lr=0.003", "data.dir=/some/where"});
  EXPECT_EQ(load_config(write("resolved.toml", to_toml(c))), c);
}

// ---- helpers ----

TEST(ConfigQubits, SingleKRepeatsPerModality) {
  ModelConfig m;
  EXPECT_EQ(qubits_per_modality(m, 4), (std::vector<int>{4, 4, 4, 4}));
  m.k = {3, 5};
  EXPECT_EQ(qubits_per_modality(m, 2), (std::vector<int>{3, 5}));
  expect_usage_error([&] { (void)qubits_per_modality(m, 4); }, {"model.k", "2", "4 modalities"});
}

TEST(ConfigSuggest, EditDistanceCountsASwapAsOneEdit) {
  EXPECT_EQ(config_detail::edit_distance("", ""), 0u);
  EXPECT_EQ(config_detail::edit_distance("abc", ""), 3u);
  EXPECT_EQ(config_detail::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(config_detail::edit_distance("trian", "train"), 1u);
  EXPECT_EQ(config_detail::edit_distance("epoch", "epochs"), 1u);
}

}  // namespace
}  // namespace qmf
