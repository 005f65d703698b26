#pragma once
// What each config key means, for `qmf config` and `qmf train --print-config`: one sentence per
// key in one table (config_docs.cpp), and the two ways of listing a configuration with them.
#include <span>
#include <string>
#include <string_view>

#include "train/config.h"

namespace qmf {

struct KeyMeaning {
  std::string_view key;      // "section.name", as in the config schema
  std::string_view meaning;  // one sentence, for a reader who has not seen the code
};

// The table, in no particular order. Every schema key has a row and every row a schema key
// (ConfigDocs.* checks both ways).
std::span<const KeyMeaning> config_meanings();

// The meaning of `key`, or empty for a key the table lacks.
std::string_view config_meaning(std::string_view key);

// Every key with its value in `config`, its default when that differs, what it accepts and what
// it means; grouped by section, at most 100 columns wide.
std::string describe_config(const Config& config);

// `config` as a TOML file a user can start from: every key with its value, each preceded by its
// meaning, what it accepts and its default as comments. parse_config of it gives back `config`.
std::string commented_toml(const Config& config);

}  // namespace qmf
