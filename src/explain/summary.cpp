#include "explain/summary.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace qmf::explain {
namespace {

// Sums sample `i` into `g` (means are taken in finish()).
void add(GroupStats& g, const Explanation& e, size_t i) {
  const auto row = static_cast<nn::Index>(i);
  ++g.count;
  g.accuracy += e.prediction[i] == e.label[i];
  for (size_t m = 0; m < g.modalities.size(); ++m) {
    const auto col = static_cast<nn::Index>(m);
    ModalityStats& s = g.modalities[m];
    s.attribution += e.attribution_uniform(row, col);
    s.attribution_mixed += e.attribution_mixed(row, col);
    s.accuracy_ablated += e.prediction_ablated(row, col) == e.label[i];
    s.accuracy_mixed += e.prediction_mixed(row, col) == e.label[i];
    s.entropy_fusion += e.entropy_fusion(row, col);
    s.entropy_circuit += e.entropy_circuit(row, col);
  }
}

void finish(GroupStats& g) {
  if (g.count == 0) return;
  const auto n = static_cast<double>(g.count);
  g.accuracy /= n;
  for (ModalityStats& s : g.modalities)
    for (double* v : {&s.attribution, &s.attribution_mixed, &s.accuracy_ablated, &s.accuracy_mixed,
                      &s.entropy_fusion, &s.entropy_circuit})
      *v /= n;
}

void count(std::vector<size_t>& bins, const std::vector<double>& edges, double v) {
  const double top = edges.back(), width = top / static_cast<double>(bins.size());
  // Entropies are clamped into range: rounding can put a product state a hair below 0 or a
  // maximally entangled register a hair above k.
  const auto bin = static_cast<size_t>(std::clamp(v, 0.0, top) / width);
  ++bins[std::min(bin, bins.size() - 1)];
}

}  // namespace

Summary summarise(const Explanation& e) {
  const GroupStats empty{0, 0, std::vector<ModalityStats>(e.modalities())};
  Summary s{empty, std::vector<GroupStats>(static_cast<size_t>(e.classes), empty)};
  for (size_t i = 0; i < e.samples(); ++i) {
    add(s.overall, e, i);
    add(s.per_class[static_cast<size_t>(e.label[i])], e, i);
  }
  finish(s.overall);
  for (GroupStats& g : s.per_class) finish(g);
  return s;
}

EntropyHistograms entropy_histograms(const Explanation& e, size_t bins) {
  QMF_CHECK(bins > 0 && !e.k.empty(), "{} bins, {} registers", bins, e.k.size());
  EntropyHistograms h;
  const double top = *std::max_element(e.k.begin(), e.k.end());
  for (size_t b = 0; b <= bins; ++b)
    h.edges.push_back(top * static_cast<double>(b) / static_cast<double>(bins));
  h.fusion.assign(e.modalities(), std::vector<size_t>(bins, 0));
  h.circuit = h.fusion;
  for (size_t i = 0; i < e.samples(); ++i) {
    for (size_t m = 0; m < e.modalities(); ++m) {
      const auto row = static_cast<nn::Index>(i), col = static_cast<nn::Index>(m);
      count(h.fusion[m], h.edges, e.entropy_fusion(row, col));
      count(h.circuit[m], h.edges, e.entropy_circuit(row, col));
    }
  }
  return h;
}

}  // namespace qmf::explain
