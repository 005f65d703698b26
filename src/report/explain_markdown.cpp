// explain.md and the terminal summary.
#include <fmt/format.h>

#include "report/eval_report.h"
#include "report/explain_report.h"

namespace qmf::report {
namespace {

std::string percent(double v) { return fmt::format("{:.2f}%", 100 * v); }

std::string source_line(const ExplainReport& r) {
  std::string s = fmt::format("{} test samples of {}", r.explanation.samples(), r.context.view);
  if (!r.context.overrides.empty())
    s += fmt::format(" (with --set {})", fmt::join(r.context.overrides, ", --set "));
  return s;
}

std::string modality_table(const ExplainReport& r) {
  std::string s =
      "| modality | attribution (uniform) | attribution (mixed) | accuracy, ablated (uniform) | "
      "accuracy, ablated (mixed) | entropy after fusion (bits) | entropy after circuit (bits) |\n"
      "|---|---|---|---|---|---|---|\n";
  const auto& stats = r.summary.overall.modalities;
  for (size_t m = 0; m < stats.size(); ++m)
    s += fmt::format("| {} ({} qubits) | {:+.4f} | {:+.4f} | {} | {} | {:.3f} | {:.3f} |\n",
                     r.context.modality_names[m], r.explanation.k[m], stats[m].attribution,
                     stats[m].attribution_mixed, percent(stats[m].accuracy_ablated),
                     percent(stats[m].accuracy_mixed), stats[m].entropy_fusion,
                     stats[m].entropy_circuit);
  return s;
}

// What labels 0..C-1 are called in the report.
std::vector<std::string> class_names(const ExplainReport& r) {
  return class_labels(r.context.class_names, static_cast<int>(r.summary.per_class.size()));
}

std::string class_table(const ExplainReport& r) {
  const auto names = class_names(r);
  std::string s = "| class | samples | accuracy |";
  std::string rule = "|---|---|---|";
  for (const std::string& m : r.context.modality_names) {
    s += fmt::format(" attribution {} |", m);
    rule += "---|";
  }
  s += "\n" + rule + "\n";
  for (size_t c = 0; c < r.summary.per_class.size(); ++c) {
    const explain::GroupStats& g = r.summary.per_class[c];
    s += fmt::format("| {} | {} | {} |", names[c], g.count,
                     g.count > 0 ? percent(g.accuracy) : std::string("-"));
    for (const explain::ModalityStats& m : g.modalities)
      s += fmt::format(" {:+.4f} |", m.attribution);
    s += '\n';
  }
  return s;
}

constexpr const char* kDefinitions = R"(## Definitions

- **Attribution** of modality m on a sample with true class y: the drop in the true class's
  log-probability when register m is replaced by a state that carries nothing about the sample,
  `log(p(y) + 1e-10) - log(p_ablated(y) + 1e-10)`. Positive: the modality supported the true
  class; negative: it pulled the decision away from it; near 0: the decision did not use it.
  - *uniform*: register m set to the uniform superposition (every amplitude 2^(-k/2)), a pure
    state.
  - *mixed*: register m set to the maximally mixed state I / 2^k, the uniform mixture of its basis
    states: the circuit's output distribution is averaged over the 2^k basis states of the
    register, then read out.
- **Accuracy, ablated**: the test accuracy with register m replaced (uniform or mixed).
- **Entropy**: the von Neumann entropy of the register's reduced state, in bits, from 0 (the
  register is not entangled with the rest) to k (maximally entangled), after the fusion block and
  after the whole circuit.
)";

}  // namespace

std::string explain_markdown(const ExplainReport& r) {
  const auto& names = r.context.modality_names;
  std::string s = fmt::format("# Explanation of {}\n\n{}\n\n{}.\n\n", r.context.run,
                              r.context.model, source_line(r));
  s += fmt::format("**Accuracy: {}**\n\n", percent(r.summary.overall.accuracy));
  s += modality_table(r) + "\n" + kDefinitions + "\n";
  s += fmt::format(
      "## Examples\n\n![the first test samples](samples.png)\n\nOne row per sample: the "
      "distribution of each register before fusion ({}), then the fused class probabilities "
      "(green: the true class, red: a wrong prediction); the title gives the true label and the "
      "prediction.\n\n",
      r.context.encoding == Encoding::belief ? "the modality's own class belief"
                                             : "|amplitude|² over its basis states");
  s += fmt::format(
      "## Attribution per class\n\n![mean attribution per true class](attribution.png)\n\nFor "
      "each true class, the mean attribution of each modality ({}): a tall bar means that "
      "modality carried the decision for that class (uniform ablation):\n\n{}\n",
      fmt::join(names, ", "), class_table(r));
  s += "## Entanglement\n\n![register entropies](entropy.png)\n\nHow many samples leave each "
       "register with a given entropy: near 0 the fusion kept the modalities apart, towards k "
       "bits it entangled them.";
  if (r.explanation.modalities() == 2)
    s += " With two registers the whole state is pure, so both registers always have the same "
         "entropy (their curves coincide).";
  s += "\n\n";
  s += "Per sample: `explain.csv`; everything above and per class: `explain.json`.\n";
  return s;
}

std::string explain_table(const ExplainReport& r) {
  std::string s =
      fmt::format("{}: accuracy {}\n", source_line(r), percent(r.summary.overall.accuracy));
  s += fmt::format("{:<14} {:>12} {:>12} {:>13} {:>13} {:>10} {:>10}\n", "modality", "attribution",
                   "attr. mixed", "acc. ablated", "acc. mixed", "S fusion", "S circuit");
  const auto& stats = r.summary.overall.modalities;
  for (size_t m = 0; m < stats.size(); ++m)
    s += fmt::format("{:<14} {:>12.4f} {:>12.4f} {:>13} {:>13} {:>10.3f} {:>10.3f}\n",
                     r.context.modality_names[m], stats[m].attribution, stats[m].attribution_mixed,
                     percent(stats[m].accuracy_ablated), percent(stats[m].accuracy_mixed),
                     stats[m].entropy_fusion, stats[m].entropy_circuit);
  s += "(attribution: drop of log p(true class) with the modality's register replaced by the "
       "uniform superposition or the maximally mixed state; S: register entropy in bits)\n";
  const auto names = class_names(r);
  s += "per true class (samples, accuracy, attribution of each modality):\n";
  for (size_t c = 0; c < r.summary.per_class.size(); ++c) {
    const explain::GroupStats& g = r.summary.per_class[c];
    s += fmt::format("  {:<14} {:>6} {:>8}", names[c], g.count,
                     g.count > 0 ? percent(g.accuracy) : std::string("-"));
    for (size_t m = 0; m < g.modalities.size(); ++m)
      s += fmt::format("  {} {:+.4f}", r.context.modality_names[m], g.modalities[m].attribution);
    s += '\n';
  }
  return s;
}

}  // namespace qmf::report
