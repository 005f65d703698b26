// The meanings `qmf config` prints: one for every schema key and none for a key the schema lacks,
// the listing's content and width, and the commented TOML read back as the same configuration.
#include "train/config_docs.h"

#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "train/config.h"
#include "train/config_schema.h"

namespace qmf {
namespace {

TEST(ConfigDocs, EverySchemaKeyHasAMeaning) {
  for (const config_detail::Field& f : config_detail::config_fields()) {
    EXPECT_FALSE(config_meaning(f.key).empty()) << f.key << " has no row in config_docs.cpp";
  }
}

TEST(ConfigDocs, EveryMeaningIsForASchemaKeyAndOnlyOne) {
  std::set<std::string_view> seen;
  for (const KeyMeaning& m : config_meanings()) {
    EXPECT_NE(config_detail::find_field(m.key), nullptr) << m.key << " is not a config key";
    EXPECT_TRUE(seen.insert(m.key).second) << m.key << " has two rows";
    EXPECT_FALSE(m.meaning.empty()) << m.key;
  }
  EXPECT_TRUE(config_meaning("train.no_such_key").empty());
}

TEST(ConfigDocs, ListingShowsValueDefaultAcceptedValuesAndMeaning) {
  Config c;
  apply_override(c, "train.epochs=3");
  apply_override(c, "model.readout=probs");
  const std::string text = describe_config(c);
  EXPECT_NE(text.find("train.epochs = 3"), std::string::npos) << text;
  EXPECT_NE(text.find("(default 1)"), std::string::npos) << text;
  EXPECT_NE(text.find("model.readout = 'probs'"), std::string::npos) << text;
  EXPECT_NE(text.find("(default 'expval')"), std::string::npos) << text;
  EXPECT_NE(text.find("Accepts one of amplitude, belief, angle."), std::string::npos) << text;
  EXPECT_NE(text.find(std::string(config_meaning("train.lr"))), std::string::npos) << text;
  for (const config_detail::Field& f : config_detail::config_fields()) {
    EXPECT_NE(text.find(std::string(f.key) + " = "), std::string::npos) << f.key;
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
}

TEST(ConfigDocs, CommentedTomlReadsBackAsTheSameConfig) {
  Config c;
  for (const char* set : {"model.k=[3,5]", "data.view=mnist/split-v2", "train.lr=0.002",
                          "data.classes=[1,7]", "sim.precision=float", "data.corrupt.modality=2"})
    apply_override(c, set);
  const std::string toml = commented_toml(c);
  EXPECT_EQ(parse_config(toml, "commented"), c) << toml;
  EXPECT_NE(toml.find("# Accepts one of double, float; default 'double'."), std::string::npos)
      << toml;
  std::istringstream lines(toml);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
}

}  // namespace
}  // namespace qmf
