// `qmf compare --config F.toml [--set key=value]... [--out DIR]`: models x seeds on one view.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "core/error.h"
#include "report/compare_report.h"
#include "train/compare.h"

namespace qmf::app {
namespace {

// runs/compare-<time>, made here by an exclusive mkdir: two compares started in the same second
// get -2, -3... instead of sharing one directory.
std::filesystem::path new_default_study_dir() {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::error_code ec;
  std::filesystem::create_directories("runs", ec);
  const std::string base = fmt::format("runs/compare-{}", stamp);
  for (int i = 1;; ++i) {
    const std::string dir = i == 1 ? base : fmt::format("{}-{}", base, i);
    if (::mkdir(dir.c_str(), 0777) == 0) return dir;
    if (errno != EEXIST)
      throw Error(
          fmt::format("cannot create the study directory {}: {}", dir, std::strerror(errno)));
  }
}

}  // namespace

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
  cmd->add_option("--out", opt->out,
                  "study directory (default: runs/compare-<time>); rerun to resume");
  cmd->callback([opt] {
    const auto study = train::load_study(opt->config);
    train::check_study(study, opt->sets);
    const std::string out = opt->out.empty() ? new_default_study_dir().string() : opt->out;
    train::Progress progress(stderr);
    const auto runs = train::run_study(study, opt->sets, out, progress);
    for (const train::StudyRun& run : runs)
      if (!std::filesystem::exists(train::study_run_dir(out, run.model, run.seed) / "curves.png"))
        draw_run_figures(train::study_run_dir(out, run.model, run.seed));
    const Config first = train::study_config(study, opt->sets, study.models.front(), 0);
    const std::string title = fmt::format("{}, {} epoch(s)", first.data.view, first.train.epochs);
    report::write_compare_report(out, runs, title);
    std::printf("%s\nstudy directory: %s\n",
                report::compare_markdown(report::summarise(runs), title).c_str(), out.c_str());
  });
}

}  // namespace qmf::app
