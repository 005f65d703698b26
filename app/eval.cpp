// `qmf eval --run DIR`: test accuracy and confusion matrix of a trained run.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "train/trained_run.h"
#include "train/trainer.h"

namespace qmf::app {
namespace {

void print_confusion(const train::Evaluation& ev) {
  const size_t c = ev.confusion.size();
  std::printf("confusion matrix (rows: true class, columns: predicted)\n      ");
  for (size_t j = 0; j < c; ++j) std::printf("%7zu", j);
  std::printf("\n");
  for (size_t i = 0; i < c; ++i) {
    std::printf("%6zu", i);
    for (size_t j = 0; j < c; ++j) std::printf("%7lld", static_cast<long long>(ev.confusion[i][j]));
    std::printf("\n");
  }
}

}  // namespace

void add_eval(CLI::App& app) {
  struct Options {
    std::string run, checkpoint = "last";
    std::vector<std::string> sets;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a trained run on its test split");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--set", opt->sets, "override a data key: --set data.test_limit=1000");
  cmd->add_option("--checkpoint", opt->checkpoint,
                  "which checkpoint: last (checkpoint.qmf, default) or best (best.qmf, the epoch "
                  "best on the validation split)")
      ->check(CLI::IsMember({"last", "best"}));
  cmd->callback([opt] {
    const auto run = train::load_trained(opt->run, opt->sets, "eval",
                                         *parse_choice<train::CheckpointChoice>(opt->checkpoint));
    const auto& data = run.data;
    const auto ev = train::evaluate(*run.model, data.test, data.classes);
    // A mid-epoch checkpoint (a run stopped or still training) is not the end of an epoch.
    const std::string trained =
        run.steps_done > 0 ? fmt::format("{} epochs and {} steps of epoch {}", run.epochs_done,
                                         run.steps_done, run.epochs_done + 1)
                           : fmt::format("{} epochs", run.epochs_done);
    std::printf("%s on %s: %zu test samples, accuracy %.2f%%, loss %.4f (after %s)\n",
                run.model->kind().c_str(), data.view.c_str(), data.test.size(), 100 * ev.accuracy,
                ev.loss, trained.c_str());
    print_confusion(ev);
  });
}

}  // namespace qmf::app
