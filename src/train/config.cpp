#include "train/config.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "train/config_codec.h"
#include "train/config_schema.h"
#include "train/config_suggest.h"

namespace qmf {
namespace {

using config_detail::Field;

// Runs a reader and puts `where` (file:line:column, or the --set argument) before its message.
template <class F>
void at(std::string_view where, F&& read) {
  try {
    read();
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", where, e.what()));
  }
}

std::string position(std::string_view source, const toml::node& node) {
  const toml::source_position p = node.source().begin;
  return fmt::format("{}:{}:{}", source, p.line, p.column);
}

[[noreturn]] void unknown_key(std::string_view key) {
  const auto names = config_detail::known_names();
  if (const auto near = config_detail::closest_name(key, names))
    throw UsageError(fmt::format("unknown key '{}' (did you mean '{}'?)", quote_value(key), *near));
  throw UsageError(fmt::format("unknown key '{}'", quote_value(key)));
}

struct Entry {
  std::string key;  // "section.name"
  const toml::node* node;
};

// Flattens [section] tables and dotted keys, which TOML both stores as nested tables, into
// "section.name" entries. A table is opened only where a section is expected, so that a table
// given for a key, or an unknown table, is reported as one entry.
void collect(const toml::table& table, std::string_view prefix, std::vector<Entry>& out) {
  for (const auto& [name, node] : table) {
    std::string key =
        prefix.empty() ? std::string(name.str()) : fmt::format("{}.{}", prefix, name.str());
    const toml::table* sub = node.as_table();
    if (sub != nullptr && config_detail::find_field(key) == nullptr &&
        config_detail::is_section(key))
      collect(*sub, key, out);
    else
      out.push_back({std::move(key), &node});
  }
}

// toml++ keeps keys sorted by name; reading in file order makes the first mistake reported
// the first one in the file.
void sort_by_position(std::vector<Entry>& entries) {
  const auto line_column = [](const Entry& e) {
    const toml::source_position p = e.node->source().begin;
    return std::pair(p.line, p.column);
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const Entry& a, const Entry& b) { return line_column(a) < line_column(b); });
}

void read_entry(Config& config, const Entry& entry, std::string_view source) {
  at(position(source, *entry.node), [&] {
    if (const Field* f = config_detail::find_field(entry.key)) return f->read(config, *entry.node);
    if (config_detail::is_section(entry.key))
      config_detail::wrong_type(entry.key, "a table of settings", *entry.node);
    unknown_key(entry.key);
  });
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The --set value as a one-entry TOML table {v = value}. String keys take a bare word as is,
// so paths and view names need no shell-escaped quotes.
toml::table value_table(const Field& field, std::string_view raw) {
  std::optional<toml::table> parsed;
  try {
    parsed = toml::parse(fmt::format("v = {}", raw));
  } catch (const toml::parse_error&) {
  }
  // More than one entry means the text smuggled in further keys (a newline in it).
  const bool one_value = parsed && parsed->size() == 1 && parsed->contains("v");
  if (field.textual && !(one_value && (*parsed)["v"].is_string())) {
    toml::table bare;
    bare.insert("v", std::string(raw));
    return bare;
  }
  if (!one_value)
    throw UsageError(
        fmt::format("{}: expected {}, got '{}'", field.key, field.expected, quote_value(raw)));
  return std::move(*parsed);
}

void validate_fields(const Config& config) {
  for (const Field& f : config_detail::config_fields()) f.check(config);
}

// The rules between keys. Each message names the key that asks for what the others lack.
void validate_combinations(const Config& c) {
  const TrainConfig& t = c.train;
  if (t.momentum > 0 && t.optimizer != nn::OptimizerKind::sgd)
    throw UsageError(fmt::format(
        "train.momentum = {}: momentum is a setting of SGD (train.optimizer = \"sgd\"); Adam "
        "has its own moments",
        t.momentum));
  if (t.patience > 0 && c.data.validation <= 0)
    throw UsageError(fmt::format(
        "train.patience = {}: early stopping watches the validation split, and there is none; "
        "set data.validation (e.g. 0.1) or train.patience = 0",
        t.patience));
  if (t.lr_schedule == train::LrScheduleKind::cosine && t.lr_floor > t.lr)
    throw UsageError(fmt::format(
        "train.lr_floor = {}: the cosine schedule decays from train.lr = {} down to the floor, "
        "which must not be above it",
        t.lr_floor, t.lr));
}

}  // namespace

Config parse_config(std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const toml::source_position p = e.source().begin;
    throw UsageError(
        fmt::format("{}:{}:{}: TOML syntax error: {}", source, p.line, p.column, e.description()));
  }
  std::vector<Entry> entries;
  collect(table, "", entries);
  sort_by_position(entries);
  Config config;
  for (const Entry& entry : entries) read_entry(config, entry, source);
  validate_fields(config);
  return config;
}

Config load_config(const std::filesystem::path& file) {
  // The bounded reader, not the file's reported size: /dev/stdin, a FIFO and a process
  // substitution are configs too, and /dev/zero must end at the cap, not exhaust memory.
  return parse_config(read_file(file), file.string());
}

void apply_override(Config& config, std::string_view assignment, std::string_view origin) {
  const auto eq = assignment.find('=');
  const std::string_view key = override_key(assignment);
  if (eq == std::string_view::npos || key.empty())
    throw UsageError(fmt::format("--set '{}': expected key=value, e.g. --set train.lr=0.05",
                                 quote_value(assignment)));
  const std::string label =
      origin.empty() ? fmt::format("--set {}", quote_value(assignment)) : std::string(origin);
  at(label, [&] {
    const Field* field = config_detail::find_field(key);
    if (field == nullptr && config_detail::is_section(key))
      throw UsageError(fmt::format("'{}' is a section, not a key; use --set {}.<name>=<value>",
                                   quote_value(key), quote_value(key)));
    if (field == nullptr) unknown_key(key);
    const toml::table value = value_table(*field, trim(assignment.substr(eq + 1)));
    field->read(config, *value.get("v"));
  });
}

std::string_view override_key(std::string_view assignment) {
  return trim(assignment.substr(0, assignment.find('=')));
}

void validate(const Config& config) {
  validate_fields(config);
  validate_combinations(config);
}

std::vector<std::string> config_differences(const Config& a, const Config& b,
                                            std::span<const std::string_view> ignore) {
  std::vector<std::string> out;
  for (const Field& f : config_detail::config_fields()) {
    if (std::find(ignore.begin(), ignore.end(), f.key) != ignore.end()) continue;
    const std::string va = f.write(a), vb = f.write(b);
    if (va != vb) out.push_back(fmt::format("{}: {} vs {}", f.key, va, vb));
  }
  return out;
}

std::string to_toml(const Config& config) {
  std::string out;
  std::string_view section;
  for (const Field& f : config_detail::config_fields()) {
    const std::string_view s = config_detail::section_of(f.key);
    if (s != section) {
      out += fmt::format("{}[{}]\n", out.empty() ? "" : "\n", s);
      section = s;
    }
    out += fmt::format("{} = {}\n", config_detail::name_in_section(f.key), f.write(config));
  }
  return out;
}

std::vector<int> qubits_per_modality(const ModelConfig& model, std::size_t modalities) {
  if (model.k.size() != modalities && model.k.size() != 1)
    throw UsageError(fmt::format("model.k gives {} register sizes but the data has {} modalities",
                                 model.k.size(), modalities));
  std::vector<int> k =
      model.k.size() == modalities ? model.k : std::vector<int>(modalities, model.k.front());
  // The simulator holds one state of 2^n amplitudes per sample in flight, and the adjoint pass
  // two more: at 24 qubits that is already 256 MiB a state.
  constexpr int kMaxQubits = 24;
  const int total = std::accumulate(k.begin(), k.end(), 0);
  if (total > kMaxQubits)
    throw UsageError(
        fmt::format("model.k: registers of {} qubits for {} modalities make {} qubits; "
                    "a QMFNN may have at most {} in total",
                    fmt::join(k, "+"), modalities, total, kMaxQubits));
  return k;
}

}  // namespace qmf
