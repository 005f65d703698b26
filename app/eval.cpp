// `qmf eval --run DIR`: test accuracy, per-class metrics and confusion matrix of a trained run;
// with --out OUT also eval.json and predictions.csv in OUT (report/eval_report.h).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "jobs/eval_job.h"
#include "train/trained_run.h"

namespace qmf::app {
namespace {

struct EvalOptions {
  std::string run, out, checkpoint = "last";
  std::vector<std::string> sets;
};

void run_eval(const EvalOptions& opt) {
  const std::filesystem::path out(opt.out);
  jobs::check_eval_out(out);
  const auto run = train::load_trained(opt.run, opt.sets, "eval",
                                       *parse_choice<train::CheckpointChoice>(opt.checkpoint));
  const jobs::Evaluation e = jobs::evaluate(run, out);
  std::printf("%s", e.text.c_str());
  if (!opt.out.empty())
    std::fprintf(stderr, "wrote %s (eval.json, predictions.csv)\n", out.string().c_str());
}

}  // namespace

void add_eval(CLI::App& app) {
  auto opt = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a trained run on its test split");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--set", opt->sets,
                  "override a data.*, noise.* key, sim.shots, sim.seed, sim.trajectories or "
                  "train.threads: "
                  "--set noise.depolarizing=0.001");
  cmd->add_option("--out", opt->out,
                  "also write eval.json and predictions.csv into this directory (new, empty, "
                  "or an earlier evaluation, which is replaced)");
  add_checkpoint_option(cmd, opt->checkpoint);
  cmd->callback([opt] { run_eval(*opt); });
}

}  // namespace qmf::app
