// Messages that quote a user's value quote a short prefix of a long one: a 10 MB mistake in a
// config file names the key and the problem in a line, not in 10 MB.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/error.h"
#include "train/config.h"
#include "train/config_suggest.h"

namespace qmf {
namespace {

constexpr size_t kHuge = size_t{10} << 20;
constexpr size_t kLarge = size_t{1} << 20;  // in a config file: parsing it is the slow part

// The message of the UsageError that parsing `text` throws.
std::string parse_error(const std::string& text) {
  try {
    (void)parse_config(text, "big.toml");
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

TEST(QuoteValue, ShortValuesAreQuotedWhole) {
  EXPECT_EQ(quote_value(""), "");
  EXPECT_EQ(quote_value("qmfnn"), "qmfnn");
  EXPECT_EQ(quote_value(std::string(60, 'x')), std::string(60, 'x'));
}

TEST(QuoteValue, LongValuesAreCutAndTheirSizeGiven) {
  EXPECT_EQ(quote_value(std::string(61, 'x')), std::string(60, 'x') + "... (61 bytes)");
  EXPECT_EQ(quote_value(std::string(kHuge, 'x')), std::string(60, 'x') + "... (10485760 bytes)");
}

TEST(QuoteValue, ACutNeverSplitsAUtf8Character) {
  // 59 ASCII bytes, then a 2-byte character across the 60-byte mark.
  const std::string text = std::string(59, 'a') + "\xc3\xa9" + std::string(40, 'b');
  EXPECT_EQ(quote_value(text), std::string(59, 'a') + "... (101 bytes)");
}

// Every echo of a value in a config file: an unknown choice, a wrong type, a list.
TEST(ConfigMessages, AHugeValueInAConfigFileIsQuotedShort) {
  const std::string huge(kLarge, 'q');
  const std::string huge_list = [] {
    std::string s = "[";
    for (size_t i = 0; i < 20000; ++i) s += i ? ", 1" : "1";
    return s + "]";
  }();
  for (const auto& [text, key] : {
           std::pair<std::string, std::string>{"[model]\nkind = \"" + huge + "\"\n", "model.kind"},
           {"[model]\nencoding = \"" + huge + "\"\n", "model.encoding"},
           {"[model]\nk = \"" + huge + "\"\n", "model.k"},
           {"[data]\nclasses = " + huge_list + "\n", "data.classes"},
       }) {
    const std::string message = parse_error(text);
    EXPECT_LT(message.size(), 400u) << message.substr(0, 400);
    EXPECT_NE(message.find(key), std::string::npos) << message;
    EXPECT_NE(message.find(" bytes)"), std::string::npos) << message;
  }
}

// A 10 MB unknown key is told apart from every known name by its length, not compared with
// each letter by letter (10 MB x 40 names of edit distance would take minutes).
TEST(ConfigMessages, AHugeUnknownNameHasNoSuggestion) {
  const std::string huge(kHuge, 'k');
  const std::string_view names[] = {"model.kind", "model.k", "train.lr"};
  EXPECT_FALSE(config_detail::closest_name(huge, names).has_value());
  EXPECT_EQ(config_detail::closest_name("model.knd", names),
            std::optional<std::string_view>("model.kind"));
}

}  // namespace
}  // namespace qmf
