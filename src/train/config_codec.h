#pragma once
// How each kind of config value is read from a TOML node, checked and written back as TOML text.
// Internal to the config layer: the key table (config_schema.cpp) pairs each key with a codec.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "core/options.h"

namespace qmf::config_detail {

template <class T>
struct Codec {
  std::string_view expected;  // what the key takes, for messages: "an integer"
  bool textual = false;       // holds a string, so `--set` may give it as a bare word
  std::function<T(const toml::node&, std::string_view key)> read;  // wrong type: UsageError
  std::function<void(const T&, std::string_view key)> check;       // bad value: UsageError
  std::function<std::string(const T&)> write;                      // the value as TOML text
};

// An integer rule. Without an upper bound of its own, the C++ field's largest value bounds it,
// so a value the field cannot hold is out of range rather than truncated.
struct IntRange {
  std::int64_t lo;
  std::int64_t hi;
  bool rule_has_hi;  // messages quote both ends only when the rule itself has two
};

template <class T>
IntRange range_of(std::int64_t lo, std::optional<std::int64_t> hi) {
  const std::int64_t cap =
      std::cmp_less(std::numeric_limits<T>::max(), std::numeric_limits<std::int64_t>::max())
          ? static_cast<std::int64_t>(std::numeric_limits<T>::max())
          : std::numeric_limits<std::int64_t>::max();
  return {lo, hi.value_or(cap), hi.has_value()};
}

[[noreturn]] void wrong_type(std::string_view key, std::string_view expected,
                             const toml::node& given);
[[noreturn]] void out_of_range(std::string_view subject, const IntRange& range,
                               std::string_view given, bool too_small);
std::int64_t read_int(const toml::node& node, std::string_view key, std::string_view expected);
std::string as_toml(const toml::node& node);

// Mixed-sign comparisons, so unsigned fields need no casts that could wrap.
template <class V>
void check_in(V value, const IntRange& range, std::string_view subject) {
  const bool too_small = std::cmp_less(value, range.lo);
  if (too_small || std::cmp_greater(value, range.hi))
    out_of_range(subject, range, std::to_string(value), too_small);
}

template <class T>
Codec<T> integer(std::int64_t lo, std::optional<std::int64_t> hi = std::nullopt) {
  const IntRange range = range_of<T>(lo, hi);
  return {"an integer", false,
          [range](const toml::node& node, std::string_view key) {
            const std::int64_t v = read_int(node, key, "an integer");
            check_in(v, range, key);
            return static_cast<T>(v);
          },
          [range](const T& v, std::string_view key) { check_in(v, range, key); },
          [](const T& v) { return std::to_string(v); }};
}

Codec<bool> boolean();
Codec<double> positive_real();
Codec<double> nonnegative_real();
Codec<double> real_between(double lo, double hi);
Codec<std::string> text();
Codec<std::string> nonempty_text();
Codec<std::string> one_of(std::span<const std::string_view> allowed);

struct ListRule {
  int lo = 1;
  std::optional<int> hi = std::nullopt;  // none: only int bounds the entries
  std::size_t min_size = 0;
  bool empty_means_all = false;  // [] is allowed whatever min_size says
  bool scalar_ok = false;        // a bare integer n stands for [n]
  bool distinct = false;
};
Codec<std::vector<int>> int_list(ListRule rule);

// The string codec plus the enum lookup; an unknown name lists the allowed ones.
[[noreturn]] void not_one_of(std::string_view key, std::string_view value,
                             std::span<const std::string_view> allowed);

// "one of a, b, c", kept for the life of the program (Field::expected is a view of it).
std::string_view one_of_text(std::span<const std::string_view> allowed);

template <Spelled E>
Codec<E> choice() {
  const Codec<std::string> name = text();
  static const std::vector<std::string_view> names = names_of<E>();
  return {one_of_text(names), true,
          [name](const toml::node& node, std::string_view key) {
            const std::string s = name.read(node, key);
            if (const auto e = parse_choice<E>(s)) return *e;
            not_one_of(key, s, names_of<E>());
          },
          [](const E&, std::string_view) {},  // an E always holds an allowed value
          [name](const E& e) { return name.write(std::string(name_of(e))); }};
}

}  // namespace qmf::config_detail
