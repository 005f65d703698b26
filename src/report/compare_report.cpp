#include "report/compare_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "report/gnuplot.h"

namespace qmf::report {
namespace {

std::string percent(double v) { return std::isnan(v) ? "-" : fmt::format("{:.2f}", 100 * v); }

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
  // One data block per family: gnuplot draws each with its own marker.
  std::map<std::string, std::string> blocks;
  for (const auto& m : models)
    blocks[m.family] +=
        fmt::format("{} {:.6f} {:.6f} \"{}\"\n", m.total, 100 * m.mean, 100 * m.std, m.model);
  std::string data, plots;
  int index = 0;
  for (const auto& [family, rows] : blocks) {
    data += fmt::format("# {}\n{}\n\n", family, rows);
    plots += fmt::format(
        "{}'accuracy_vs_params.dat' index {} using 1:2:3 with yerrorbars "
        "pt {} ps 1.5 lw 1.5 title {}, '' index {} using 1:2:4 with labels "
        "offset 0,1 font ',8' notitle",
        index ? ", " : "", index, 5 + 2 * index, gnuplot_quoted(family), index);
    ++index;
  }
  write_file_atomic(dir / "accuracy_vs_params.dat", data);
  const std::string body = fmt::format(
      "set logscale x\nset xlabel 'parameters (total, log scale)'\n"
      "set ylabel 'test accuracy (%), mean ± std over seeds'\nset title {}\nset key bottom "
      "right\nset grid\nset offsets graph 0.05, graph 0.05, graph 0.08, graph 0.05\nplot {}\n",
      gnuplot_quoted(title), plots);
  // noenhanced: an '_' or '^' in a name or view is text, not a subscript or superscript.
  run_gnuplot(
      dir, "set terminal pngcairo noenhanced size 900,600\nset output 'accuracy_vs_params.png'\n" +
               body +
               "set terminal svg noenhanced size 900,600\nset output 'accuracy_vs_params.svg'\n"
               "replot\n");
}

}  // namespace qmf::report
