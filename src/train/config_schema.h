#pragma once
// The table of every config key: its name, what it takes, and how to read, check and write it.
// Loading, overrides, validation and output all walk this one table. Internal to the config layer.
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "train/config.h"

namespace qmf::config_detail {

struct Field {
  std::string_view key;       // "section.name"
  std::string_view expected;  // "an integer", for messages
  bool textual = false;       // holds a string, so `--set` may give it as a bare word
  std::function<void(Config&, const toml::node&)> read;  // converts, checks, stores
  std::function<void(const Config&)> check;
  std::function<std::string(const Config&)> write;  // the value as TOML text
};

// In output order: grouped by section.
std::span<const Field> config_fields();

const Field* find_field(std::string_view key);

// True when some key lies under `prefix` ("model" for model.k).
bool is_section(std::string_view prefix);

// Every key and section name, for suggesting a fix to a misspelt key.
std::vector<std::string_view> known_names();

// "model.k" -> "model" and "k".
std::string_view section_of(std::string_view key);
std::string_view name_in_section(std::string_view key);

}  // namespace qmf::config_detail
