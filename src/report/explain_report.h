#pragma once
// The outputs of `qmf explain` (see explain/explanation.h for what is computed), in one directory:
//   explain.json     summary (accuracy; per modality: attribution, attribution_mixed,
//                    accuracy_ablated, accuracy_ablated_mixed, entropy_after_fusion,
//                    entropy_after_circuit), per_class, the entropy histograms, the examples
//   explain.csv      one row per test sample
//   explain.md       a short report that strings the tables and figures together
//   samples.png/svg      the first examples: each register's distribution and the fused decision
//   attribution.png/svg  mean attribution per true class, one bar per modality
//   entropy.png/svg      histograms of the register entropies after fusion and after the circuit
// with the gnuplot data (*.dat) and script (plot.gp) beside the figures.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/options.h"
#include "data/dataset.h"
#include "explain/explanation.h"
#include "explain/summary.h"

namespace qmf::report {

// What the report says about where the explanation came from.
struct ExplainContext {
  std::string run;    // the run directory, as the user named it
  std::string model;  // the model's one-line description
  std::string view;
  std::vector<std::string> modality_names;
  Encoding encoding = Encoding::amplitude;
  std::vector<std::string> overrides;    // --set assignments applied to the run's config
  std::vector<std::string> class_names;  // data::Multimodal::class_names; empty: the numbers
  // What samples.png draws beside each example's beliefs: each modality's input, as an image
  // when image_shapes (per modality, as data::Multimodal has them) says it is one, else as its
  // feature values. inputs[m] holds the first examples'
  // rows of modality m (leading_inputs); empty: no input panels.
  std::vector<ImageShape> image_shapes;
  std::vector<data::Features> inputs;
};

// The first `count` rows of every modality of `split`, for ExplainContext::inputs.
std::vector<data::Features> leading_inputs(const data::Split& split, size_t count);

struct ExplainReport {
  const explain::Explanation& explanation;
  explain::Summary summary;
  explain::EntropyHistograms histograms;
  ExplainContext context;
};

ExplainReport make_explain_report(const explain::Explanation& e, ExplainContext context);

nlohmann::json explain_json(const ExplainReport& r);
std::string explain_csv(const ExplainReport& r);
std::string explain_markdown(const ExplainReport& r);
// The accuracy and the per-modality summary as a fixed-width table for the terminal.
std::string explain_table(const ExplainReport& r);
// samples, attribution and entropy figures (PNG and SVG) with their data files.
void write_explain_figures(const std::filesystem::path& dir, const ExplainReport& r);

// Writes every file above into `dir` (which must exist).
void write_explain_report(const std::filesystem::path& dir, const ExplainReport& r);

}  // namespace qmf::report
