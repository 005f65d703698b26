#include "jobs/predict_job.h"

#include <fmt/format.h>

#include "report/eval_report.h"

namespace qmf::jobs {

NewPredictions predict_files(const train::TrainedRun& run, const std::filesystem::path& input) {
  NewPredictions out{
      .input = train::load_new_data(run, input), .predictions = {}, .csv = {}, .line = {}};
  const train::NewData& in = out.input;
  out.predictions = train::predict(*run.model, in.split);
  const std::vector<int> no_labels;
  out.csv = report::predictions_csv(run.data.class_names, out.predictions,
                                    in.labelled ? in.split.y : no_labels);
  out.line =
      fmt::format("{} on {}: {} samples", run.model->kind(), input.string(), in.split.size());
  if (in.labelled) {
    const auto metrics = train::class_metrics(
        train::confusion_matrix(in.split.y, out.predictions.predicted, run.data.classes));
    out.line += fmt::format(", accuracy {:.2f}%, loss {:.4f}", 100 * metrics.accuracy,
                            out.predictions.loss);
  }
  return out;
}

train::Predictions predict_matrices(const train::TrainedRun& run, std::vector<data::Features> x) {
  const data::Split split = train::new_data_from_matrices(run, std::move(x));
  return train::predict(*run.model, split);
}

}  // namespace qmf::jobs
