// `qmf predict --run DIR --input PATH`: the predictions of a trained run on new data (a
// directory of modality files, train/new_data.h) as CSV: index, (true_label,) predicted_label
// and one probability column per class. With labels, the accuracy goes to stderr.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "core/atomic_file.h"
#include "jobs/predict_job.h"
#include "train/trained_run.h"

namespace qmf::app {
namespace {

struct PredictOptions {
  std::string run, input, out = "-", checkpoint = "last";
  std::vector<std::string> sets;
};

void run_predict(const PredictOptions& opt) {
  const auto run = train::load_trained(opt.run, opt.sets, "predict",
                                       *parse_choice<train::CheckpointChoice>(opt.checkpoint));
  const jobs::NewPredictions p = jobs::predict_files(run, opt.input);
  write_output(opt.out, p.csv);
  const std::string wrote = opt.out != "-" ? fmt::format("; wrote {}", opt.out) : "";
  std::fprintf(stderr, "%s%s\n", p.line.c_str(), wrote.c_str());
}

}  // namespace

void add_predict(CLI::App& app) {
  auto opt = std::make_shared<PredictOptions>();
  CLI::App* cmd =
      app.add_subcommand("predict", "Predict the classes of new data with a trained run");
  cmd->footer(
      "--input is a directory like a split of the files view: one <name>.npy or .csv per "
      "modality (samples x features, the run's modality names), and optionally labels.npy or "
      "labels.csv. The run's data.modalities, data.classes and data.standardize (with its "
      "training statistics) apply to it as they did in training.");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--input", opt->input, "directory of the new data's modality files")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", opt->out, "CSV file to write, or - for standard output (default)");
  cmd->add_option("--set", opt->sets, "override train.threads (or a data key)");
  add_checkpoint_option(cmd, opt->checkpoint);
  cmd->callback([opt] { run_predict(*opt); });
}

}  // namespace qmf::app
