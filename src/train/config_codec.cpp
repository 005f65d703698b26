#include "train/config_codec.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <mutex>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace qmf::config_detail {

std::string as_toml(const toml::node& node) {
  std::ostringstream out;
  node.visit([&out](const auto& v) { out << v; });
  return out.str();
}

void wrong_type(std::string_view key, std::string_view expected, const toml::node& given) {
  std::ostringstream type;
  type << given.type();
  // A table prints over several lines; its type alone says enough.
  const std::string shown =
      given.is_table() ? type.str() : type.str() + " " + quote_value(as_toml(given));
  throw UsageError(fmt::format("{}: expected {}, got {}", key, expected, shown));
}

void out_of_range(std::string_view subject, const IntRange& range, std::string_view given,
                  bool too_small) {
  const std::string rule = range.rule_has_hi ? fmt::format("between {} and {}", range.lo, range.hi)
                           : too_small       ? fmt::format("at least {}", range.lo)
                                             : fmt::format("at most {}", range.hi);
  throw UsageError(fmt::format("{} must be {}, got {}", subject, rule, given));
}

std::int64_t read_int(const toml::node& node, std::string_view key, std::string_view expected) {
  if (const auto* i = node.as_integer()) return i->get();
  wrong_type(key, expected, node);
}

void not_one_of(std::string_view key, std::string_view value,
                std::span<const std::string_view> allowed) {
  throw UsageError(fmt::format("{}: unknown value '{}'; allowed: {}", key, quote_value(value),
                               fmt::join(allowed, ", ")));
}

Codec<bool> boolean() {
  return {"a boolean (true or false)", false,
          [](const toml::node& node, std::string_view key) {
            if (const auto* b = node.as_boolean()) return b->get();
            wrong_type(key, "a boolean (true or false)", node);
          },
          [](const bool&, std::string_view) {},
          [](const bool& v) { return std::string(v ? "true" : "false"); }};
}

namespace {

double read_real(const toml::node& node, std::string_view key) {
  if (const auto* f = node.as_floating_point()) return f->get();
  // TOML keeps 1 and 1.0 apart; a user writing lr = 1 means the number.
  return static_cast<double>(read_int(node, key, "a number"));
}

// The shortest text that reads back as the same double (toml++ writes 17 digits: 0.05 became
// 0.050000000000000003 in config.toml and in messages). Settings are finite (validated); ".0"
// keeps a whole number a TOML float.
std::string write_real(const double& v) {
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

Codec<double> positive_real() {
  return {"a number", false, read_real,
          [](const double& v, std::string_view key) {
            if (!std::isfinite(v) || v <= 0)
              throw UsageError(
                  fmt::format("{} must be a finite number greater than 0, got {}", key, v));
          },
          write_real};
}

Codec<double> nonnegative_real() {
  return {"a number", false, read_real,
          [](const double& v, std::string_view key) {
            if (!std::isfinite(v) || v < 0)
              throw UsageError(fmt::format("{} must be a finite number >= 0, got {}", key, v));
          },
          write_real};
}

Codec<double> real_between(double lo, double hi) {
  return {
      "a number", false, read_real,
      [lo, hi](const double& v, std::string_view key) {
        if (!(v >= lo && v <= hi))
          throw UsageError(fmt::format("{} must be a number in [{}, {}], got {}", key, lo, hi, v));
      },
      write_real};
}

Codec<std::string> text() {
  return {"a string", true,
          [](const toml::node& node, std::string_view key) {
            if (const auto* s = node.as_string()) return s->get();
            wrong_type(key, "a string", node);
          },
          [](const std::string&, std::string_view) {},
          [](const std::string& v) { return as_toml(toml::value<std::string>(v)); }};
}

Codec<std::string> nonempty_text() {
  Codec<std::string> codec = text();
  codec.check = [](const std::string& v, std::string_view key) {
    if (v.empty()) throw UsageError(fmt::format("{} must not be empty", key));
  };
  return codec;
}

std::string_view one_of_text(std::span<const std::string_view> allowed) {
  static std::mutex lock;
  static std::deque<std::string> texts;  // a deque never moves what it holds
  const std::lock_guard hold(lock);
  return texts.emplace_back(fmt::format("one of {}", fmt::join(allowed, ", ")));
}

Codec<std::string> one_of(std::span<const std::string_view> allowed) {
  Codec<std::string> codec = text();
  codec.expected = one_of_text(allowed);
  codec.check = [allowed](const std::string& v, std::string_view key) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) not_one_of(key, v, allowed);
  };
  return codec;
}

namespace {

std::string list_text(const std::vector<int>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

// A list as a message quotes it: a million entries are cut like any long value.
std::string quoted_list(const std::vector<int>& v) { return quote_value(list_text(v)); }

IntRange entry_range(const ListRule& rule) {
  return range_of<int>(rule.lo, rule.hi ? std::optional<std::int64_t>(*rule.hi) : std::nullopt);
}

void check_list(const std::vector<int>& v, const ListRule& rule, std::string_view key) {
  const std::string entries = fmt::format("{} entries", key);
  for (const int x : v) check_in(x, entry_range(rule), entries);
  if (v.size() < rule.min_size && !(v.empty() && rule.empty_means_all))
    throw UsageError(fmt::format("{} needs at least {} {}{}, got {}", key, rule.min_size,
                                 rule.min_size == 1 ? "entry" : "entries",
                                 rule.empty_means_all ? " (or [] for all)" : "", quoted_list(v)));
  if (!rule.distinct) return;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (std::find(v.begin(), it, *it) != it)
      throw UsageError(fmt::format("{} lists {} more than once: {}", key, *it, quoted_list(v)));
}

}  // namespace

Codec<std::vector<int>> int_list(ListRule rule) {
  const std::string_view expected =
      rule.scalar_ok ? "an integer or a list of integers" : "a list of integers";
  return {expected, false,
          [rule, expected](const toml::node& node, std::string_view key) {
            // Range-check each entry before narrowing it to int.
            const auto entry = [&](const toml::node& n) {
              const std::int64_t x = read_int(n, key, expected);
              check_in(x, entry_range(rule), fmt::format("{} entries", key));
              return static_cast<int>(x);
            };
            if (rule.scalar_ok && node.is_integer()) return std::vector<int>{entry(node)};
            const auto* array = node.as_array();
            if (array == nullptr) wrong_type(key, expected, node);
            std::vector<int> v;
            for (const toml::node& n : *array) {
              if (!n.is_integer()) wrong_type(key, expected, node);
              v.push_back(entry(n));
            }
            return v;
          },
          [rule](const std::vector<int>& v, std::string_view key) { check_list(v, rule, key); },
          list_text};
}

}  // namespace qmf::config_detail
