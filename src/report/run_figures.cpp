#include "report/run_figures.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "report/eval_report.h"
#include "report/gnuplot.h"

namespace qmf::report {
namespace {

namespace fs = std::filesystem;

// The per-epoch values as a gnuplot data block: epoch, train, test (and validation) loss and
// accuracy (in percent).
std::string metrics_block(const fs::path& csv, bool validation) {
  const auto column = [&](const char* name) { return train::read_metrics_column(csv, name); };
  const auto epoch = column("epoch"), train_loss = column("train_loss"),
             train_acc = column("train_acc"), test_loss = column("test_loss"),
             test_acc = column("test_acc");
  std::vector<double> val_loss, val_acc;
  if (validation) {
    val_loss = column("val_loss");
    val_acc = column("val_acc");
  }
  std::string block = "$metrics << EOD\n";
  for (size_t i = 0; i < epoch.size(); ++i) {
    block += fmt::format("{} {} {} {} {}", epoch[i], train_loss[i], 100 * train_acc[i],
                         test_loss[i], 100 * test_acc[i]);
    if (validation) block += fmt::format(" {} {}", val_loss[i], 100 * val_acc[i]);
    block += '\n';
  }
  return block + "EOD\n";
}

std::string curve_plot(int train_column, int test_column, int val_column) {
  std::string plot = fmt::format(
      "plot $metrics using 1:{} with linespoints lw 2 title 'train', $metrics using 1:{} with "
      "linespoints lw 2 title 'test'",
      train_column, test_column);
  if (val_column > 0)
    plot +=
        fmt::format(", $metrics using 1:{} with linespoints lw 2 title 'validation'", val_column);
  return plot + "\n";
}

std::string curves_script(const fs::path& csv, const train::RunSummary& s) {
  const bool validation = s.validation_samples > 0;
  std::string script = metrics_block(csv, validation);
  script += "set terminal pngcairo noenhanced size 1100,450\nset output 'curves.png'\n";
  script += fmt::format("set multiplot layout 1,2 title {}\n",
                        gnuplot_quoted(fmt::format("{} on {}", s.model, s.view)));
  script += "set xlabel 'epoch'\nset grid\nset key top right\n";
  if (s.epochs <= 20) script += "set xtics 1\n";  // whole epochs; gnuplot picks beyond that
  script += "set title 'loss'\nset ylabel 'cross-entropy'\n";
  script += curve_plot(2, 4, validation ? 6 : 0);
  script += "set title 'accuracy'\nset ylabel 'accuracy (%)'\nset key bottom right\n";
  script += curve_plot(3, 5, validation ? 7 : 0);
  return script + "unset multiplot\nunset output\n";
}

std::string confusion_script(const train::RunSummary& s) {
  const auto& m = s.test_confusion;
  if (m.empty())
    throw Error("the summary holds no test confusion matrix (a run finished by an older qmf)");
  const auto names = class_labels(s.class_names, static_cast<int>(m.size()));
  std::string script = "$confusion << EOD\n";
  for (const auto& row : m) {
    for (size_t j = 0; j < row.size(); ++j) script += fmt::format("{}{}", j ? " " : "", row[j]);
    script += '\n';
  }
  script += "EOD\n";
  std::string tics;
  for (size_t i = 0; i < names.size(); ++i)
    tics += fmt::format("{}{} {}", i ? ", " : "", gnuplot_quoted(names[i]), i);
  const size_t side = std::max<size_t>(500, 60 * m.size() + 200);
  script += fmt::format("set terminal pngcairo noenhanced size {},{}\n", side + 100, side);
  script += "set output 'confusion.png'\n";
  script += fmt::format("set title {}\n",
                        gnuplot_quoted(fmt::format("test confusion matrix: {} on {}, epoch {}",
                                                   s.model, s.view, s.epochs)));
  script += fmt::format("set xtics ({}) rotate by 45 right\nset ytics ({})\n", tics, tics);
  script += "set xlabel 'predicted class'\nset ylabel 'true class'\n";
  script +=
      fmt::format("set xrange [-0.5:{}.5]\nset yrange [{}.5:-0.5]\n", m.size() - 1, m.size() - 1);
  script += "set palette defined (0 'white', 1 '#3060c0')\nset cblabel 'samples'\nunset key\n";
  script += "set tics nomirror\nset size ratio 1\n";
  script +=
      "plot $confusion matrix with image, $confusion matrix using 1:2:(sprintf('%d', $3)) with "
      "labels font ',10'\nunset output\n";
  return script;
}

// What a copy killed mid-way left: "NAME.tmp-<pid>" (or gnuplot's ".NAME.tmp-<pid>" from a
// drawing in the run directory itself), its writer dead. Nothing reads them.
void remove_stale_figure_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::string_view bare = name;
    if (bare.starts_with('.')) bare.remove_prefix(1);
    for (const std::string_view file : {"curves.png.tmp-", "confusion.png.tmp-", "figures.gp.tmp-"})
      if (bare.starts_with(file) && is_stale_temporary(entry.path())) fs::remove(entry.path(), ec);
  }
}

}  // namespace

std::string run_figures_script(const fs::path& metrics_csv, const train::RunSummary& summary) {
  return curves_script(metrics_csv, summary) + "reset\n" + confusion_script(summary);
}

void write_run_figures(const fs::path& dir) {
  const fs::path summary_file = dir / "summary.json";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(summary_file));
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: {}", summary_file.string(), e.what()));
  }
  const train::RunSummary summary = train::summary_from_json(j, summary_file);
  remove_stale_figure_temporaries(dir);
  // gnuplot draws in a scratch directory and the finished files are copied in atomically: a run
  // killed while gnuplot draws leaves gnuplot running on, and it must not write into the run.
  const data::TempDir scratch("qmf-figures");
  run_gnuplot(scratch.path(), run_figures_script(dir / "metrics.csv", summary), "figures.gp");
  for (const char* file : {"curves.png", "confusion.png", "figures.gp"})
    write_file_atomic(dir / file, read_file(scratch.path() / file));
}

}  // namespace qmf::report
