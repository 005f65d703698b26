#pragma once
// What `qmf eval --out` and `qmf predict` write (docs/OUTPUTS.md):
//   eval.json        model, view, checkpoint, samples, accuracy, loss, per-class precision,
//                    recall, F1 and support, their macro averages, the class names and the
//                    confusion matrix [true][predicted]
//   predictions.csv  index, true_label, predicted_label, one prob_<class> column per class
// Labels are written as class names (data::Multimodal::class_names); the model's numeric labels
// are their positions.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/class_metrics.h"

namespace qmf::report {

struct EvalContext {
  std::string model, view;
  int epochs_done = 0;
  uint64_t steps_done = 0;  // into epoch epochs_done + 1 (a mid-epoch checkpoint)
  std::vector<std::string> class_names;
};

// `names` when it names `classes` classes, else "0".."classes-1" (a data view that names none).
std::vector<std::string> class_labels(const std::vector<std::string>& names, int classes);

nlohmann::json eval_json(const EvalContext& context, const train::Confusion& confusion,
                         double loss);

// One row per sample, in split order. `truth` empty: no labels, and no true_label column.
std::string predictions_csv(const std::vector<std::string>& class_names,
                            const train::Predictions& predictions, const std::vector<int>& truth);

// The confusion matrix for the terminal, rows true and columns predicted, headed by the names.
std::string confusion_table(const train::Confusion& confusion,
                            const std::vector<std::string>& class_names);

// Per-class precision, recall, F1 and support and the macro averages, for the terminal.
std::string metrics_table(const train::Metrics& metrics,
                          const std::vector<std::string>& class_names);

}  // namespace qmf::report
