#include "report/eval_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "report/compare_report.h"

namespace qmf::report {

std::vector<std::string> class_labels(const std::vector<std::string>& names, int classes) {
  if (static_cast<int>(names.size()) == classes) return names;
  std::vector<std::string> numbers;
  numbers.reserve(static_cast<size_t>(std::max(classes, 0)));
  for (int c = 0; c < classes; ++c) numbers.push_back(std::to_string(c));
  return numbers;
}

nlohmann::json eval_json(const EvalContext& context, const train::Confusion& confusion,
                         double loss) {
  const train::Metrics m = train::class_metrics(confusion);
  const auto names = class_labels(context.class_names, static_cast<int>(confusion.size()));
  nlohmann::json per_class = nlohmann::json::array();
  int64_t samples = 0;
  for (size_t c = 0; c < m.per_class.size(); ++c) {
    const train::ClassMetrics& k = m.per_class[c];
    per_class.push_back({{"label", c},
                         {"class", names[c]},
                         {"precision", k.precision},
                         {"recall", k.recall},
                         {"f1", k.f1},
                         {"support", k.support}});
    samples += k.support;
  }
  return {
      {"model", context.model},
      {"view", context.view},
      {"checkpoint", {{"epochs", context.epochs_done}, {"steps", context.steps_done}}},
      {"samples", samples},
      {"accuracy", m.accuracy},
      {"loss", loss},
      {"macro", {{"precision", m.macro_precision}, {"recall", m.macro_recall}, {"f1", m.macro_f1}}},
      {"per_class", per_class},
      {"class_names", names},
      {"confusion", confusion}};
}

std::string predictions_csv(const std::vector<std::string>& class_names,
                            const train::Predictions& predictions, const std::vector<int>& truth) {
  const auto classes = static_cast<int>(predictions.probs.cols());
  const auto names = class_labels(class_names, classes);
  std::string csv = truth.empty() ? "index,predicted_label" : "index,true_label,predicted_label";
  for (const std::string& name : names) {
    csv += ',';
    csv += csv_field(std::string("prob_").append(name));
  }
  csv += '\n';
  for (size_t i = 0; i < predictions.predicted.size(); ++i) {
    csv += std::to_string(i);
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
    if (!truth.empty()) {
      csv += ',';
      csv += csv_field(names.at(static_cast<size_t>(truth[i])));
    }
    csv += ',';
    csv += csv_field(names.at(static_cast<size_t>(predictions.predicted[i])));
    for (int c = 0; c < classes; ++c)
      csv += fmt::format(",{:.6g}", predictions.probs(static_cast<Eigen::Index>(i), c));
    csv += '\n';
  }
  return csv;
}

std::string confusion_table(const train::Confusion& confusion,
                            const std::vector<std::string>& class_names) {
  const auto names = class_labels(class_names, static_cast<int>(confusion.size()));
  size_t width = 6;
  for (const std::string& n : names) width = std::max(width, n.size() + 1);
  for (const auto& row : confusion)
    for (const int64_t v : row) width = std::max(width, std::to_string(v).size() + 1);
  std::string s = "confusion matrix (rows: true class, columns: predicted)\n";
  s += fmt::format("{:>{}}", "", width);
  for (const std::string& n : names) s += fmt::format("{:>{}}", n, width);
  s += '\n';
  for (size_t i = 0; i < confusion.size(); ++i) {
    s += fmt::format("{:>{}}", names[i], width);
    for (const int64_t v : confusion[i]) s += fmt::format("{:>{}}", v, width);
    s += '\n';
  }
  return s;
}

std::string metrics_table(const train::Metrics& metrics,
                          const std::vector<std::string>& class_names) {
  const auto names = class_labels(class_names, static_cast<int>(metrics.per_class.size()));
  size_t width = 5;
  for (const std::string& n : names) width = std::max(width, n.size());
  std::string s = fmt::format("{:<{}}  precision  recall      f1  support\n", "class", width);
  for (size_t c = 0; c < names.size(); ++c) {
    const train::ClassMetrics& k = metrics.per_class[c];
    s += fmt::format("{:<{}}  {:9.4f}  {:6.4f}  {:6.4f}  {:7}\n", names[c], width, k.precision,
                     k.recall, k.f1, k.support);
  }
  s += fmt::format("{:<{}}  {:9.4f}  {:6.4f}  {:6.4f}\n", "macro", width, metrics.macro_precision,
                   metrics.macro_recall, metrics.macro_f1);
  return s;
}

}  // namespace qmf::report
