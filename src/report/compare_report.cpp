#include "report/compare_report.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "report/gnuplot.h"

namespace qmf::report {
namespace {

std::string percent(double v) { return std::isnan(v) ? "-" : fmt::format("{:.2f}", 100 * v); }

// One colour per model family, so a reader tells the quantum models from each baseline at a
// glance (colour-blind safe, after Paul Tol's "bright" and "vibrant" sets); the models of a
// family differ by marker.
std::string family_colour(const std::string& family) {
  static const std::map<std::string, std::string, std::less<>> colours = {
      {"qmfnn", "#cc3311"}, {"qmfnn-classical", "#aa3377"},
      {"early", "#0077bb"}, {"late", "#33bbee"},
      {"lmf", "#ee7733"},   {"tfn", "#009988"}};
  const auto it = colours.find(family);
  return it == colours.end() ? "#555555" : it->second;
}

// Filled markers of gnuplot's default point types: square, circle, triangles, diamond, pentagon.
constexpr int kMarkers[] = {5, 7, 9, 11, 13, 15};

// The accuracy axis: the data with its error bars and a margin, in steps of 5 %, never outside
// 0-100 %.
std::pair<double, double> accuracy_range(const std::vector<ModelSummary>& models) {
  double lo = 100, hi = 0;
  for (const auto& m : models) {
    lo = std::min(lo, 100 * (m.mean - m.std));
    hi = std::max(hi, 100 * (m.mean + m.std));
  }
  if (lo > hi) return {0, 100};
  lo = std::max(0.0, 5 * std::floor((lo - 2) / 5));
  hi = std::min(100.0, 5 * std::ceil((hi + 2) / 5));
  return {lo, std::max(hi, lo + 5)};
}

// The parameter axis (log scale): a little beyond the data, labelled at 1-2-5 steps ("20k",
// "1M") so that even a range inside one decade has several labels.
std::string parameter_axis(const std::vector<ModelSummary>& models) {
  double lo = 0, hi = 0;
  for (const auto& m : models) {
    const auto total = static_cast<double>(std::max<size_t>(m.total, 1));
    lo = lo == 0 ? total : std::min(lo, total);
    hi = std::max(hi, total);
  }
  if (lo == 0) return "";
  lo /= 1.25, hi *= 1.25;
  std::string tics;
  for (double decade = std::pow(10.0, std::floor(std::log10(lo))); decade <= hi; decade *= 10)
    for (double step : {1.0, 2.0, 5.0}) {
      const double at = step * decade;
      if (at < lo || at > hi) continue;
      const std::string label = at >= 1e6   ? fmt::format("{:g}M", at / 1e6)
                                : at >= 1e3 ? fmt::format("{:g}k", at / 1e3)
                                            : fmt::format("{:g}", at);
      tics += fmt::format("{}'{}' {:.0f}", tics.empty() ? "" : ", ", label, at);
    }
  return fmt::format("set xrange [{:.6g}:{:.6g}]\nset xtics ({})\n", lo, hi, tics);
}

}  // namespace

std::vector<ModelSummary> summarise(const std::vector<train::StudyRun>& runs) {
  std::vector<ModelSummary> out;
  for (const auto& r : runs) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& m) { return m.model == r.model; });
    if (it == out.end()) {
      out.push_back({r.model, r.family, r.classical, r.quantum, r.total});
      it = out.end() - 1;
    }
    ++it->seeds;
  }
  for (auto& m : out) {
    std::vector<double> acc, val;
    double seconds = 0, epochs = 0;
    for (const auto& r : runs) {
      if (r.model != m.model) continue;
      acc.push_back(r.test_acc.back());
      val.push_back(r.val_acc);
      seconds += r.seconds;
      epochs += r.epochs;
    }
    const double n = static_cast<double>(acc.size());
    for (double a : acc) m.mean += a / n;
    for (double a : acc) m.std += (a - m.mean) * (a - m.mean);
    m.std = acc.size() > 1 ? std::sqrt(m.std / (n - 1)) : 0.0;  // sample standard deviation
    m.best = *std::max_element(acc.begin(), acc.end());
    for (double v : val) m.val_mean += v / n;
    m.seconds_per_epoch = seconds / epochs;
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

std::string compare_csv(const std::vector<train::StudyRun>& runs) {
  size_t epochs = 0;
  for (const auto& r : runs) epochs = std::max(epochs, r.test_acc.size());
  std::string s = "model,family,seed,params_classical,params_quantum,params_total";
  for (size_t e = 1; e <= epochs; ++e) s += fmt::format(",test_acc_epoch{}", e);
  s += ",val_acc,seconds\n";
  for (const auto& r : runs) {
    s += fmt::format("{},{},{},{},{},{}", csv_field(r.model), csv_field(r.family), r.seed,
                     r.classical, r.quantum, r.total);
    for (size_t e = 0; e < epochs; ++e)
      s += e < r.test_acc.size() ? fmt::format(",{:.6f}", r.test_acc[e]) : std::string(",");
    s += std::isnan(r.val_acc) ? "," : fmt::format(",{:.6f}", r.val_acc);
    s += fmt::format(",{:.3f}\n", r.seconds);
  }
  return s;
}

std::string compare_markdown(const std::vector<ModelSummary>& models, const std::string& title) {
  const auto reference =
      std::find_if(models.begin(), models.end(), [](const auto& m) { return m.family == "qmfnn"; });
  std::string s = fmt::format("## {}\n\n", title);
  s += "| model | parameters (classical + quantum) | test accuracy % (mean ± std) | best % | "
       "validation % | seconds/epoch | parameters / QMFNN |\n|---|---|---|---|---|---|---|\n";
  for (const auto& m : models) {
    const std::string ratio =
        reference == models.end()
            ? "-"
            : fmt::format("{:.1f}x",
                          static_cast<double>(m.total) / static_cast<double>(reference->total));
    s += fmt::format("| {} | {} ({} + {}) | {} ± {} | {} | {} | {:.2f} | {} |\n", m.model, m.total,
                     m.classical, m.quantum, percent(m.mean), percent(m.std), percent(m.best),
                     percent(m.val_mean), m.seconds_per_epoch, ratio);
  }
  s += fmt::format("\n{} seed(s) per model; accuracy after the last epoch on the test split.\n",
                   models.empty() ? 0 : models.front().seeds);
  return s;
}

void write_compare_report(const std::filesystem::path& dir,
                          const std::vector<train::StudyRun>& runs, const std::string& title) {
  const auto models = summarise(runs);
  write_file_atomic(dir / "compare.csv", compare_csv(runs));
  write_file_atomic(dir / "compare.md", compare_markdown(models, title));
  // One data block and one legend entry per model (names in the plot would overlap where models
  // have about the same size and accuracy), coloured by family, families in legend order.
  std::vector<const ModelSummary*> order;
  order.reserve(models.size());
  for (const auto& m : models) order.push_back(&m);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->family < b->family; });
  std::map<std::string, int> in_family;
  std::string data, plots;
  for (size_t index = 0; index < order.size(); ++index) {
    const ModelSummary& m = *order[index];
    data += fmt::format("# {} ({})\n{} {:.6f} {:.6f}\n\n\n", m.model, m.family, m.total,
                        100 * m.mean, 100 * m.std);
    const int marker = kMarkers[in_family[m.family]++ % std::size(kMarkers)];
    plots += fmt::format(
        "{}'accuracy_vs_params.dat' index {} using 1:2:3 with yerrorbars lc rgb '{}' pt {} ps 1.6 "
        "lw 2 title {}",
        index ? ", \\\n     " : "", index, family_colour(m.family), marker,
        gnuplot_quoted(m.model.starts_with(m.family) ? m.model
                                                     : fmt::format("{} ({})", m.model, m.family)));
  }
  write_file_atomic(dir / "accuracy_vs_params.dat", data);
  const auto [lo, hi] = accuracy_range(models);
  const std::string body = fmt::format(
      "set logscale x\n{}set xlabel 'parameters (total count, log scale)'\n"
      "set ylabel 'test accuracy (%), mean ± std over seeds'\nset yrange [{}:{}]\n"
      "set title {}\nset key outside right top Left reverse width -2 samplen 1.5\nset grid\n"
      "set bars 2\nplot {}\n",
      parameter_axis(models), lo, hi, gnuplot_quoted(title + ": test accuracy against model size"),
      plots);
  // noenhanced: an '_' or '^' in a name or view is text, not a subscript or superscript.
  run_gnuplot(
      dir, "set terminal pngcairo noenhanced size 1100,600\nset output 'accuracy_vs_params.png'\n" +
               body +
               "set terminal svg noenhanced size 1100,600\nset output 'accuracy_vs_params.svg'\n"
               "replot\n");
}

}  // namespace qmf::report
