// `qmf eval --run DIR`: test accuracy, per-class metrics and confusion matrix of a trained run;
// with --out OUT also eval.json and predictions.csv in OUT (report/eval_report.h).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/staged_dir.h"
#include "report/eval_report.h"
#include "train/class_metrics.h"
#include "train/trained_run.h"

namespace qmf::app {
namespace {

namespace fs = std::filesystem;

struct EvalOptions {
  std::string run, out, checkpoint = "last";
  std::vector<std::string> sets;
};

// --out is replaced whole, as explain's is, so it must be new, empty, or an earlier evaluation:
// a mistyped --out (the run itself, a home directory) must not be deleted.
void check_replaceable(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return;
  if (!fs::is_directory(out, ec))
    throw UsageError(fmt::format("--out {}: exists and is not a directory", out.string()));
  if (!fs::is_empty(out, ec) && !fs::exists(out / "eval.json", ec))
    throw UsageError(
        fmt::format("--out {}: exists and holds something other than an earlier "
                    "evaluation (no eval.json); it would be replaced whole",
                    out.string()));
}

std::string trained_for(const train::TrainedRun& run) {
  // A mid-epoch checkpoint (a run stopped or still training) is not the end of an epoch.
  return run.steps_done > 0 ? fmt::format("{} epochs and {} steps of epoch {}", run.epochs_done,
                                          run.steps_done, run.epochs_done + 1)
                            : fmt::format("{} epochs", run.epochs_done);
}

void run_eval(const EvalOptions& opt) {
  const fs::path out(opt.out);
  if (!opt.out.empty()) check_replaceable(out);
  const auto run = train::load_trained(opt.run, opt.sets, "eval",
                                       *parse_choice<train::CheckpointChoice>(opt.checkpoint));
  const auto& data = run.data;
  if (data.test.size() == 0)
    throw Error(fmt::format("the test split of {} is empty: nothing to evaluate", data.view));
  const train::Predictions p = train::predict(*run.model, data.test);
  const train::Confusion confusion =
      train::confusion_matrix(data.test.y, p.predicted, data.classes);
  const train::Metrics metrics = train::class_metrics(confusion);
  std::printf("%s on %s: %zu test samples, accuracy %.2f%%, loss %.4f (after %s)\n",
              run.model->kind().c_str(), data.view.c_str(), data.test.size(),
              100 * metrics.accuracy, p.loss, trained_for(run).c_str());
  std::printf("%s", report::metrics_table(metrics, data.class_names).c_str());
  std::printf("%s", report::confusion_table(confusion, data.class_names).c_str());
  if (opt.out.empty()) return;
  const report::EvalContext context{.model = run.model->kind(),
                                    .view = data.view,
                                    .epochs_done = run.epochs_done,
                                    .steps_done = run.steps_done,
                                    .class_names = data.class_names};
  StagedDir staged(out);
  write_file_atomic(staged.path() / "eval.json",
                    report::eval_json(context, confusion, p.loss).dump(2) + "\n");
  write_file_atomic(staged.path() / "predictions.csv",
                    report::predictions_csv(data.class_names, p, data.test.y));
  staged.commit();
  std::fprintf(stderr, "wrote %s (eval.json, predictions.csv)\n", out.string().c_str());
}

}  // namespace

void add_eval(CLI::App& app) {
  auto opt = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a trained run on its test split");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--set", opt->sets, "override a data key: --set data.test_limit=1000");
  cmd->add_option("--out", opt->out,
                  "also write eval.json and predictions.csv into this directory (new, empty, "
                  "or an earlier evaluation, which is replaced)");
  add_checkpoint_option(cmd, opt->checkpoint);
  cmd->callback([opt] { run_eval(*opt); });
}

}  // namespace qmf::app
