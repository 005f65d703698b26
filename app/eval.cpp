// `qmf eval --run DIR`: test accuracy and confusion matrix of a trained run.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "core/error.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/model_factory.h"
#include "train/run.h"
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
    std::string run;
    std::vector<std::string> sets;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a trained run on its test split");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--set", opt->sets, "override a data key: --set data.test_limit=1000");
  cmd->callback([opt] {
    const std::filesystem::path dir = opt->run;
    Config config = load_config(dir / "config.toml");
    for (const auto& s : opt->sets) {
      if (!s.starts_with("data.") && !s.starts_with("train.threads="))
        throw UsageError(fmt::format("--set {}: eval takes data.* keys and train.threads only", s));
      apply_override(config, s);
    }
    const auto ckpt = train::load_checkpoint(dir / "checkpoint.qmf");
    const auto data = train::load_data(config);
    auto model = train::make_model(config, data);
    train::restore(ckpt, model->kind(), model->arena(), nullptr, dir / "checkpoint.qmf");
    const auto ev = train::evaluate(*model, data.test, data.classes);
    std::printf("%s on %s: %zu test samples, accuracy %.2f%%, loss %.4f (after %d epochs)\n",
                model->kind().c_str(), data.view.c_str(), data.test.size(), 100 * ev.accuracy,
                ev.loss, ckpt.epochs_done);
    print_confusion(ev);
  });
}

}  // namespace qmf::app
