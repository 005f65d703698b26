#include "jobs/run_config.h"

#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/error.h"

namespace qmf::jobs {
namespace {

// The sections only a study file has (train/compare.h): `seeds = [...]`, `[base]`,
// `[[models]]`. Any parse failure means it is no study either; load_config has said why.
bool is_study_file(const std::string& file) {
  try {
    const toml::table t = toml::parse_file(file);
    return t["models"].is_array_of_tables() || t["base"].is_table() || t["seeds"].is_array();
  } catch (const toml::parse_error&) {
    return false;
  }
}

toml::table toml_table(const nlohmann::json& object, const std::string& prefix,
                       std::string_view source);
toml::array toml_array(const nlohmann::json& array, const std::string& key,
                       std::string_view source);

// Hands `put` the TOML value of v, of its concrete type (toml++ takes no abstract nodes). The
// recursion goes through toml_table and toml_array, so only their two `put`s are instantiated.
template <typename Put>
void convert(const nlohmann::json& v, const std::string& key, std::string_view source, Put put) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      return put(toml_table(v, key, source));
    case nlohmann::json::value_t::array:
      return put(toml_array(v, key, source));
    case nlohmann::json::value_t::boolean:
      return put(v.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return put(v.get<int64_t>());
    case nlohmann::json::value_t::number_float:
      return put(v.get<double>());
    case nlohmann::json::value_t::string:
      return put(v.get<std::string>());
    default:
      throw UsageError(
          fmt::format("{}: {}: {} has no TOML form (give a number, string, "
                      "boolean, list or table)",
                      source, key, v.type_name()));
  }
}

toml::array toml_array(const nlohmann::json& array, const std::string& key,
                       std::string_view source) {
  toml::array a;
  for (const auto& item : array)
    convert(item, key, source, [&a](auto&& x) { a.push_back(std::forward<decltype(x)>(x)); });
  return a;
}

toml::table toml_table(const nlohmann::json& object, const std::string& prefix,
                       std::string_view source) {
  toml::table t;
  for (const auto& item : object.items()) {
    const std::string& name = item.key();
    const std::string key = prefix.empty() ? name : fmt::format("{}.{}", prefix, name);
    convert(item.value(), key, source,
            [&t, &name](auto&& x) { t.insert(name, std::forward<decltype(x)>(x)); });
  }
  return t;
}

}  // namespace

Config load_run_config(const std::string& file) {
  try {
    return load_config(file);
  } catch (const UsageError&) {
    if (!is_study_file(file)) throw;
    throw UsageError(fmt::format(
        "{} is a study file (seeds, [base], [[models]]) for `qmf compare --config {}`; "
        "`qmf train --config` takes a run config (`qmf config --format toml` prints one)",
        file, file));
  }
}

Config resolve_config(const std::string& file, const std::vector<std::string>& sets) {
  Config config = file.empty() ? Config{} : load_run_config(file);
  for (const auto& s : sets) apply_override(config, s);
  return config;
}

std::string json_as_toml(const nlohmann::json& config, std::string_view source) {
  if (!config.is_object())
    throw UsageError(fmt::format("{}: expected a table of sections (a dict), got {}", source,
                                 config.type_name()));
  std::ostringstream text;
  text << toml_table(config, "", source);
  return text.str();
}

Config config_from_json(const nlohmann::json& config, const std::vector<std::string>& sets,
                        std::string_view source) {
  Config c = parse_config(json_as_toml(config, source), source);
  for (const auto& s : sets) apply_override(c, s);
  return c;
}

}  // namespace qmf::jobs
