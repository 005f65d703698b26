// `qmf train`: the default model on mnist/split-h2 with no arguments; a config file and
// --set overrides otherwise; --resume continues an interrupted run.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "core/interrupt.h"
#include "dist/agreement.h"
#include "jobs/run_config.h"
#include "jobs/train_job.h"
#include "train/config.h"

namespace qmf::app {

void add_train(CLI::App& app) {
  struct Options {
    std::string config, out, resume;
    std::vector<std::string> sets;
    bool print_config = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model and write a run directory");
  cmd->add_option("--config", opt->config, "TOML config file (`qmf config` lists every key)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", opt->sets, "override a key: --set train.epochs=5 (repeatable)");
  cmd->add_option("--out", opt->out, "run directory (default: runs/<time>-<model>-<view>)");
  cmd->add_option("--resume", opt->resume,
                  "continue the run in this directory from its last checkpoint (also after a "
                  "crash); --set takes train.epochs and train.checkpoint_every only")
      ->check(CLI::ExistingDirectory)
      ->excludes("--config")
      ->excludes("--out");
  cmd->add_flag("--print-config", opt->print_config,
                "print every key's resolved value, default and meaning (as `qmf config`) and "
                "exit without training")
      ->excludes("--resume");
  cmd->footer("Every key --config and --set take, with defaults and meanings: qmf config");
  cmd->callback([opt] {
    if (opt->print_config)
      return print_config(jobs::resolve_config(opt->config, opt->sets), "text");
    // Ctrl-C or kill: the run saves its place and says how to continue (run.h, "Stopping").
    const InterruptHandlers stop_on_request;
    // Under mpirun every rank trains and rank 0 alone speaks (train/trainer.h).
    const bool speaks = dist::world().root();
    train::Progress progress(speaks ? stderr : nullptr);
    Config config;
    if (opt->resume.empty())
      dist::agree(dist::world(), [&] { config = jobs::resolve_config(opt->config, opt->sets); });
    const jobs::TrainedDir done = opt->resume.empty()
                                      ? jobs::train(config, opt->out, progress)
                                      : jobs::resume(opt->resume, opt->sets, progress);
    if (speaks)
      std::printf("%s\nrun directory: %s\n", done.summary.dump(2).c_str(), done.dir.c_str());
  });
}

}  // namespace qmf::app
