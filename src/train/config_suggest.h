#pragma once
// "Did you mean ...?" for misspelt config keys.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace qmf::config_detail {

// Levenshtein distance where swapping two neighbouring characters also counts as one edit, the
// commonest typo ("trian").
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known name nearest to `unknown` within two edits; failing that, one whose last dotted part
// equals the unknown key's (epochs -> train.epochs, data.batch -> train.batch).
std::optional<std::string_view> closest_name(std::string_view unknown,
                                             std::span<const std::string_view> known);

}  // namespace qmf::config_detail
