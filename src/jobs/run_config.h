#pragma once
// The run configuration a job trains with: a TOML file (or none: the defaults), or the same keys
// as JSON (the Python module's dicts), then `key=value` overrides, all through the one parser
// and validator of train/config.h, so every source fails with the same messages.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/config.h"

namespace qmf::jobs {

// A study file given as a run config is a UsageError that names `qmf compare`.
Config load_run_config(const std::string& file);
// `file` empty: the defaults; then each of `sets` in turn.
Config resolve_config(const std::string& file, const std::vector<std::string>& sets);
// A JSON object with the TOML file's tables and keys ({"train": {"epochs": 2}}), then `sets`.
// `source` names it in messages. Null, a value with no TOML form (an empty array, a null
// inside), or not an object, is a UsageError.
Config config_from_json(const nlohmann::json& config, const std::vector<std::string>& sets,
                        std::string_view source = "config");
// The same JSON as TOML text (for a study given as JSON too).
std::string json_as_toml(const nlohmann::json& config, std::string_view source);

}  // namespace qmf::jobs
