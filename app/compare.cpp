// `qmf compare --config F.toml [--set key=value]... [--out DIR]`: models x seeds on one view.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "dist/agreement.h"
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
    train::Study study;
    dist::agree(dist::world(), [&] { study = train::load_study(opt->config); });
    // Under mpirun each rank trains runs of its own and says so, its lines marked with its rank.
    const dist::Communicator& ranks = dist::world();
    train::Progress progress(
        stderr, {.terminal = ::isatty(STDERR_FILENO) != 0,
                 .prefix = ranks.size() > 1 ? fmt::format("rank {}: ", ranks.rank()) : ""});
    const jobs::StudyResult result = jobs::compare(study, opt->sets, opt->out, progress);
    if (ranks.root())
      std::printf("%s\nstudy directory: %s\n", result.markdown.c_str(), result.dir.c_str());
  });
}

}  // namespace qmf::app
