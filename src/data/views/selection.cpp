#include "data/views/selection.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace qmf::data {
namespace {

// The samples at the given positions, in the given order.
Selection take(const Selection& sel, const std::vector<size_t>& keep) {
  Selection out;
  out.rows.resize(sel.rows.size());
  for (size_t s = 0; s < sel.rows.size(); ++s) {
    out.rows[s].reserve(keep.size());
    for (size_t i : keep) out.rows[s].push_back(sel.rows[s][i]);
  }
  out.y.reserve(keep.size());
  for (size_t i : keep) out.y.push_back(sel.y[i]);
  return out;
}

std::vector<size_t> iota(size_t n) {
  std::vector<size_t> v(n);
  std::iota(v.begin(), v.end(), size_t{0});
  return v;
}

}  // namespace

Selection select_all(const std::vector<int>& labels) {
  return Selection{.rows = {iota(labels.size())}, .y = labels};
}

Selection pair_by_class(const std::vector<int>& first, const std::vector<int>& second, Rng& rng) {
  QMF_CHECK(!first.empty() && !second.empty(), "pairing needs two non-empty sources");
  const int classes = std::max(*std::max_element(first.begin(), first.end()),
                               *std::max_element(second.begin(), second.end())) +
                      1;
  std::vector<std::vector<size_t>> items(static_cast<size_t>(classes));
  for (size_t j = 0; j < second.size(); ++j) items[static_cast<size_t>(second[j])].push_back(j);
  for (auto& list : items) rng.shuffle(list);

  Selection sel{.rows = {iota(first.size()), {}}, .y = first};
  std::vector<size_t> used(items.size(), 0);
  for (int label : first) {
    const auto& list = items[static_cast<size_t>(label)];
    if (list.empty()) {
      throw Error(fmt::format("cannot pair: the second source has no item of class {}", label));
    }
    sel.rows[1].push_back(list[used[static_cast<size_t>(label)]++ % list.size()]);
  }
  return sel;
}

Selection select_classes(const Selection& sel, const std::vector<int>& classes) {
  std::vector<size_t> keep;
  std::vector<int> relabel;
  for (size_t i = 0; i < sel.size(); ++i) {
    const auto it = std::find(classes.begin(), classes.end(), sel.y[i]);
    if (it == classes.end()) continue;
    keep.push_back(i);
    relabel.push_back(static_cast<int>(it - classes.begin()));
  }
  Selection out = take(sel, keep);
  out.y = std::move(relabel);
  return out;
}

Selection limit(const Selection& sel, size_t n, Rng& rng) {
  if (n == 0 || n >= sel.size()) return sel;
  std::vector<size_t> order = iota(sel.size());
  rng.shuffle(order);
  order.resize(n);
  std::sort(order.begin(), order.end());
  return take(sel, order);
}

}  // namespace qmf::data
