// A run config given as JSON (the Python module's dicts) goes through the TOML parser and
// validator: the same values as the TOML text, and the same messages for a bad key or value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "jobs/run_config.h"

namespace qmf::jobs {
namespace {

TEST(ConfigFromJson, ReadsTheSameKeysAsTheTomlFile) {
  const auto json = nlohmann::json::parse(R"({
    "data": {"view": "mnist/split-h2", "train_limit": 500, "classes": [3, 5, 8]},
    "model": {"k": [3, 3], "encoding": "belief", "readout": "probs"},
    "train": {"epochs": 2, "lr": 0.005, "seed": 7}})");
  const Config c = config_from_json(json, {"train.batch=32"});
  const Config t = parse_config(R"(
    [data]
    view = "mnist/split-h2"
    train_limit = 500
    classes = [3, 5, 8]
    [model]
    k = [3, 3]
    encoding = "belief"
    readout = "probs"
    [train]
    epochs = 2
    lr = 0.005
    seed = 7
    batch = 32
  )");
  EXPECT_EQ(to_toml(c), to_toml(t));
  EXPECT_EQ(c.train.batch, 32);
}

TEST(ConfigFromJson, FailsWithTheParsersMessages) {
  auto message = [](const char* text) {
    try {
      config_from_json(nlohmann::json::parse(text), {});
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(R"({"train": {"epochz": 2}})").find("train.epochz"), std::string::npos);
  EXPECT_NE(message(R"({"train": {"epochs": "two"}})").find("train.epochs"), std::string::npos);
  EXPECT_NE(message(R"({"model": {"k": [4, null]}})").find("model.k"), std::string::npos);
  EXPECT_NE(message(R"([1, 2])").find("expected a table"), std::string::npos);
  EXPECT_NE(message(R"({"model": {"readout": "logits"}})").find("model.readout"),
            std::string::npos);
}

}  // namespace
}  // namespace qmf::jobs
