// `qmf explain --run DIR`: what a trained QMFNN does with each test sample — each modality's
// register before fusion, the fused decision, attribution by ablation, entanglement between the
// registers (explain/explanation.h) — as tables, figures and a report in DIR/explain.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "core/error.h"
#include "core/staged_dir.h"
#include "explain/explanation.h"
#include "explain/require_probe.h"
#include "report/explain_report.h"
#include "train/progress.h"
#include "train/trained_run.h"

namespace qmf::app {
namespace {

namespace fs = std::filesystem;

struct ExplainOptions {
  std::string run, out;
  std::string checkpoint = "last";  // --checkpoint: last or best
  std::string samples = "6";  // as typed: parsed by example_count, echoed as given in messages
  std::vector<std::string> sets;
};

constexpr size_t kMaxExamples = 64;

// --samples as a count in 1..64, checked before anything is loaded.
size_t example_count(const std::string& text) {
  size_t n = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || stop != end || ec != std::errc{} || n < 1 || n > kMaxExamples)
    throw UsageError(fmt::format("--samples {}: expected a number of samples from 1 to {}",
                                 quote_value(text), kMaxExamples));
  return n;
}

// The output directory is replaced whole, so it must be new, empty, or an earlier explanation:
// a mistyped --out (the run itself, a home directory) must not be deleted.
void check_replaceable(const fs::path& out) {
  if (!fs::exists(out)) return;
  if (!fs::is_directory(out))
    throw UsageError(fmt::format("--out {}: exists and is not a directory", out.string()));
  if (!fs::is_empty(out) && !fs::exists(out / "explain.json"))
    throw UsageError(
        fmt::format("--out {}: exists and holds something other than an earlier "
                    "explanation (no explain.json); it would be replaced whole",
                    out.string()));
}

void run_explain(const ExplainOptions& opt) {
  const size_t examples = example_count(opt.samples);
  const fs::path out = opt.out.empty() ? fs::path(opt.run) / "explain" : fs::path(opt.out);
  check_replaceable(out);
  // Staged before the work, so an --out that cannot be written fails now, not after it.
  StagedDir staged(out);
  const auto run = train::load_trained(opt.run, opt.sets, "explain",
                                       *parse_choice<train::CheckpointChoice>(opt.checkpoint));
  model::QmfnnProbe& probe = explain::require_probe(run, opt.run, "explain");
  if (run.data.test.size() == 0)
    throw Error(fmt::format("the test split of {} is empty: nothing to explain", run.data.view));

  const auto start = std::chrono::steady_clock::now();
  train::Progress progress(stderr);
  const explain::Explanation e = explain::explain(
      probe, run.data.test, {.batch = 256, .examples = examples, .progress = &progress});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const report::ExplainReport r =
      report::make_explain_report(e, {.run = opt.run,
                                      .model = run.model->describe(),
                                      .view = run.data.view,
                                      .modality_names = run.data.modality_names,
                                      .encoding = probe.spec().settings.encoding,
                                      .overrides = opt.sets,
                                      .class_names = run.data.class_names,
                                      .image_shapes = run.data.image_shapes,
                                      .inputs = report::leading_inputs(run.data.test, examples)});
  report::write_explain_report(staged.path(), r);
  staged.commit();

  std::printf("%s", report::explain_table(r).c_str());
  std::printf("explained in %.1f s; wrote %s (explain.md, explain.json, explain.csv, figures)\n",
              seconds, out.string().c_str());
}

}  // namespace

void add_explain(CLI::App& app) {
  auto opt = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Explain a trained qmfnn run: modality beliefs, attribution, entanglement");
  cmd->footer(
      "Cost: for registers of k_1..k_M qubits (n in all), each test sample takes 3 + M + "
      "2^k_1 + ... + 2^k_M circuit runs (the maximally mixed ablation of register m runs the "
      "circuit on each of its 2^k_m basis states) and, per register, an eigenproblem of size "
      "2^min(k_m, n - k_m). The time grows exponentially with the register size: a 12-qubit "
      "register costs over 4096 circuit runs a sample. Progress, with the time left, is shown on "
      "stderr; --set data.test_limit=N explains the first N test samples only.");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  add_checkpoint_option(cmd, opt->checkpoint);
  cmd->add_option("--samples", opt->samples,
                  "test samples drawn in samples.png, 1..64 (default 6)");
  cmd->add_option("--set", opt->sets,
                  "override a data key or train.threads: --set data.test_limit=1000");
  cmd->add_option(
      "--out", opt->out,
      "output directory (default DIR/explain); an earlier explanation there is replaced");
  cmd->callback([opt] { run_explain(*opt); });
}

}  // namespace qmf::app
