// `qmf compare --config F.toml [--set key=value]... [--out DIR]`: models x seeds on one view.
#include <cstdio>
#include <ctime>
#include <memory>

#include "commands.h"
#include "core/error.h"
#include "report/compare_report.h"
#include "train/compare.h"

namespace qmf::app {

void add_compare(CLI::App& app) {
  struct Options {
    std::string config, out;
    std::vector<std::string> sets;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Train several models x seeds on one view; table and accuracy-vs-parameters plot");
  cmd->add_option("--config", opt->config, "study file (seeds, [base], [[models]])")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", opt->sets, "override for every model: --set train.epochs=2");
  cmd->add_option("--out", opt->out, "study directory (default: runs/compare-<time>); rerun to resume");
  cmd->callback([opt] {
    const auto study = train::load_study(opt->config);
    for (const auto& m : study.models) train::study_config(study, opt->sets, m, 0);  // validate --set
    std::string out = opt->out;
    if (out.empty()) {
      char stamp[32];
      const std::time_t now = std::time(nullptr);
      std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
      out = fmt::format("runs/compare-{}", stamp);
    }
    train::Progress progress(stderr);
    const auto runs = train::run_study(study, opt->sets, out, progress);
    const Config first = train::study_config(study, opt->sets, study.models.front(), 0);
    const std::string title = fmt::format("{}, {} epoch(s)", first.data.view, first.train.epochs);
    report::write_compare_report(out, runs, title);
    std::printf("%s\nstudy directory: %s\n",
                report::compare_markdown(report::summarise(runs), title).c_str(), out.c_str());
  });
}

}  // namespace qmf::app
