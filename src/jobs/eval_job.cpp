#include "jobs/eval_job.h"

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/staged_dir.h"
#include "jobs/output_dir.h"
#include "report/eval_report.h"

namespace qmf::jobs {
namespace {

std::string trained_for(const train::TrainedRun& run) {
  // A mid-epoch checkpoint (a run stopped or still training) is not the end of an epoch.
  return run.steps_done > 0 ? fmt::format("{} epochs and {} steps of epoch {}", run.epochs_done,
                                          run.steps_done, run.epochs_done + 1)
                            : fmt::format("{} epochs", run.epochs_done);
}

}  // namespace

void check_eval_out(const std::filesystem::path& out) {
  if (!out.empty()) check_replaceable(out, "eval.json", "evaluation");
}

Evaluation evaluate(const train::TrainedRun& run, const std::filesystem::path& out) {
  check_eval_out(out);
  const auto& data = run.data;
  if (data.test.size() == 0)
    throw Error(fmt::format("the test split of {} is empty: nothing to evaluate", data.view));
  Evaluation e;
  e.predictions = train::predict(*run.model, data.test);
  e.confusion = train::confusion_matrix(data.test.y, e.predictions.predicted, data.classes);
  e.metrics = train::class_metrics(e.confusion);
  const report::EvalContext context{.model = run.model->kind(),
                                    .view = data.view,
                                    .epochs_done = run.epochs_done,
                                    .steps_done = run.steps_done,
                                    .class_names = data.class_names};
  e.report = report::eval_json(context, e.confusion, e.predictions.loss);
  e.text = fmt::format("{} on {}: {} test samples, accuracy {:.2f}%, loss {:.4f} (after {})\n",
                       run.model->kind(), data.view, data.test.size(), 100 * e.metrics.accuracy,
                       e.predictions.loss, trained_for(run)) +
           report::metrics_table(e.metrics, data.class_names) +
           report::confusion_table(e.confusion, data.class_names);
  if (out.empty()) return e;
  StagedDir staged(out);
  write_file_atomic(staged.path() / "eval.json", e.report.dump(2) + "\n");
  write_file_atomic(staged.path() / "predictions.csv",
                    report::predictions_csv(data.class_names, e.predictions, data.test.y));
  staged.commit();
  return e;
}

}  // namespace qmf::jobs
