// explain.json and explain.csv.
#include <cctype>

#include <fmt/format.h>

#include "report/eval_report.h"
#include "report/explain_report.h"

namespace qmf::report {
namespace {

using nlohmann::json;

json modality_json(const explain::ModalityStats& s) {
  return {{"attribution", s.attribution},
          {"attribution_mixed", s.attribution_mixed},
          {"accuracy_ablated", s.accuracy_ablated},
          {"accuracy_ablated_mixed", s.accuracy_mixed},
          {"entropy_after_fusion", s.entropy_fusion},
          {"entropy_after_circuit", s.entropy_circuit}};
}

json group_json(const explain::GroupStats& g, const ExplainContext& c, const std::vector<int>& k) {
  json modalities = json::array();
  for (size_t m = 0; m < g.modalities.size(); ++m) {
    json j = {{"name", c.modality_names[m]}, {"qubits", k[m]}};
    j.update(modality_json(g.modalities[m]));
    modalities.push_back(std::move(j));
  }
  return {{"count", g.count}, {"accuracy", g.accuracy}, {"modalities", std::move(modalities)}};
}

json histograms_json(const ExplainReport& r) {
  json modalities = json::array();
  for (size_t m = 0; m < r.histograms.fusion.size(); ++m)
    modalities.push_back({{"name", r.context.modality_names[m]},
                          {"after_fusion", r.histograms.fusion[m]},
                          {"after_circuit", r.histograms.circuit[m]}});
  return {{"edges", r.histograms.edges}, {"modalities", std::move(modalities)}};
}

json examples_json(const explain::Explanation& e, const std::vector<std::string>& names) {
  json out = json::array();
  for (size_t i = 0; i < e.distributions.size(); ++i) {
    const auto row = static_cast<nn::Index>(i);
    std::vector<double> probs(e.probs.row(row).begin(), e.probs.row(row).end());
    out.push_back({{"index", i},
                   {"label", e.label[i]},
                   {"prediction", e.prediction[i]},
                   {"label_name", names.at(static_cast<size_t>(e.label[i]))},
                   {"prediction_name", names.at(static_cast<size_t>(e.prediction[i]))},
                   {"probs", probs},
                   {"register_distributions", e.distributions[i]}});
  }
  return out;
}

// A modality name as a CSV column prefix: anything but letters, digits, '-' and '_' becomes '_'.
std::string column_prefix(const std::string& name) {
  std::string s = name;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
  return s;
}

}  // namespace

json explain_json(const ExplainReport& r) {
  const explain::Explanation& e = r.explanation;
  json summary = group_json(r.summary.overall, r.context, e.k);
  summary.erase("count");
  const auto names = class_labels(r.context.class_names, e.classes);
  json per_class = json::array();
  for (size_t c = 0; c < r.summary.per_class.size(); ++c) {
    json g = group_json(r.summary.per_class[c], r.context, e.k);
    g["class"] = c;
    g["name"] = names.at(c);
    per_class.push_back(std::move(g));
  }
  return {{"run", r.context.run},
          {"model", r.context.model},
          {"view", r.context.view},
          {"encoding", name_of(r.context.encoding)},
          {"overrides", r.context.overrides},
          {"samples", e.samples()},
          {"classes", e.classes},
          {"class_names", names},
          {"summary", std::move(summary)},
          {"per_class", std::move(per_class)},
          {"entropy_histograms", histograms_json(r)},
          {"examples", examples_json(e, names)}};
}

std::string explain_csv(const ExplainReport& r) {
  const explain::Explanation& e = r.explanation;
  std::string s = "index,label,prediction,p_true";
  for (int c = 0; c < e.classes; ++c) s += fmt::format(",p{}", c);
  for (const std::string& name : r.context.modality_names) {
    const std::string p = column_prefix(name);
    s += fmt::format(
        ",{0}_attribution,{0}_attribution_mixed,{0}_entropy_fusion,"
        "{0}_entropy_circuit,{0}_pred_ablated,{0}_pred_ablated_mixed",
        p);
  }
  s += '\n';
  for (size_t i = 0; i < e.samples(); ++i) {
    const auto row = static_cast<nn::Index>(i);
    s += fmt::format("{},{},{},{:.9g}", i, e.label[i], e.prediction[i], e.probs(row, e.label[i]));
    for (int c = 0; c < e.classes; ++c) s += fmt::format(",{:.9g}", e.probs(row, c));
    for (size_t m = 0; m < e.modalities(); ++m) {
      const auto col = static_cast<nn::Index>(m);
      s += fmt::format(",{:.9g},{:.9g},{:.9g},{:.9g},{},{}", e.attribution_uniform(row, col),
                       e.attribution_mixed(row, col), e.entropy_fusion(row, col),
                       e.entropy_circuit(row, col), e.prediction_ablated(row, col),
                       e.prediction_mixed(row, col));
    }
    s += '\n';
  }
  return s;
}

}  // namespace qmf::report
