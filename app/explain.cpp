// `qmf explain --run DIR`: what a trained QMFNN does with each test sample — each modality's
// register before fusion, the fused decision, attribution by ablation, entanglement between the
// registers (explain/explanation.h) — as tables, figures and a report in DIR/explain.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "jobs/explain_job.h"
#include "train/progress.h"
#include "train/trained_run.h"

namespace qmf::app {
namespace {

struct ExplainOptions {
  std::string run, out;
  std::string checkpoint = "last";  // --checkpoint: last or best
  std::string samples = "6";  // as typed: parsed by explain_examples, echoed as given in messages
  std::vector<std::string> sets;
};

void run_explain(const ExplainOptions& opt) {
  const jobs::ExplainRequest request{.run_dir = opt.run,
                                     .out = opt.out,
                                     .examples = jobs::explain_examples(opt.samples),
                                     .sets = opt.sets};
  jobs::check_explain_out(request);
  const auto run = train::load_trained(opt.run, opt.sets, "explain",
                                       *parse_choice<train::CheckpointChoice>(opt.checkpoint));
  train::Progress progress(stderr);
  const jobs::Explained e = jobs::explain(run, request, progress);
  std::printf("%s", e.table.c_str());
  std::printf("explained in %.1f s; wrote %s (explain.md, explain.json, explain.csv, figures)\n",
              e.seconds, e.out.string().c_str());
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
                  "override a data.*, noise.* key, sim.shots, sim.seed, sim.trajectories or "
                  "train.threads: "
                  "--set sim.shots=1000");
  cmd->add_option(
      "--out", opt->out,
      "output directory (default DIR/explain); an earlier explanation there is replaced");
  cmd->callback([opt] { run_explain(*opt); });
}

}  // namespace qmf::app
