#include "train/config_suggest.h"

#include <algorithm>
#include <vector>

namespace qmf::config_detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows of the usual table: the swap rule looks two rows back.
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {

std::string_view last_part(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

}  // namespace

std::optional<std::string_view> closest_name(std::string_view unknown,
                                             std::span<const std::string_view> known) {
  constexpr std::size_t kMaxEdits = 2;
  std::optional<std::string_view> best;
  std::size_t best_distance = kMaxEdits + 1;
  for (const std::string_view name : known) {
    // The distance is at least the difference in length: a 10 MB key is not compared letter by
    // letter with every name.
    const std::size_t gap =
        std::max(unknown.size(), name.size()) - std::min(unknown.size(), name.size());
    if (gap >= best_distance) continue;
    const std::size_t d = edit_distance(unknown, name);
    if (d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  if (best) return best;
  const auto same_name = std::find_if(known.begin(), known.end(), [unknown](std::string_view n) {
    return n != last_part(n) && last_part(n) == last_part(unknown);
  });
  if (same_name != known.end()) return *same_name;
  return std::nullopt;
}

}  // namespace qmf::config_detail
