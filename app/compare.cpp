// `qmf compare --config F.toml [--set key=value]... [--out DIR]`: models x seeds on one view.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "jobs/compare_job.h"
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
  cmd->add_option("--out", opt->out,
                  "study directory (default: runs/compare-<time>); rerun to resume");
  cmd->callback([opt] {
    const auto study = train::load_study(opt->config);
    train::Progress progress(stderr);
    const jobs::StudyResult result = jobs::compare(study, opt->sets, opt->out, progress);
    std::printf("%s\nstudy directory: %s\n", result.markdown.c_str(), result.dir.c_str());
  });
}

}  // namespace qmf::app
