// `qmf export --run DIR --sample I [--format qasm3|qasm2] [--bit-order big-endian|qiskit]
// [--out FILE] [--sidecar FILE]`: the trained circuit of a QMFNN run for one test sample (its
// input's state preparation, the fusion block and QCNN with the trained angles, the readout
// measurements) as OpenQASM text, and beside it a JSON file with what turns measured counts into
// the model's class probabilities (export/sidecar.h).
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "core/atomic_file.h"
#include "jobs/export_job.h"
#include "train/trained_run.h"

namespace qmf::app {
namespace {

struct ExportOptions {
  std::string run, out, sidecar, format = "qasm3", bit_order = "big-endian";
  std::string checkpoint = "last";  // --checkpoint: last or best
  std::string sample;  // as typed: parsed by export_sample_index, echoed as given in messages
  std::vector<std::string> sets;
};

void run_export(const ExportOptions& opt) {
  const jobs::ExportRequest request{.run_dir = opt.run,
                                    .sample = opt.sample,
                                    .out = opt.out.empty() ? "-" : opt.out,
                                    .sidecar = opt.sidecar,
                                    .format = opt.format,
                                    .bit_order = opt.bit_order};
  jobs::check_export_request(request);
  const auto run = train::load_trained(opt.run, opt.sets, "export",
                                       *parse_choice<train::CheckpointChoice>(opt.checkpoint));
  const jobs::Exported e = jobs::export_sample(run, request);
  if (e.sidecar_path == "-") write_output("-", e.sidecar.dump(2) + "\n");
  if (request.out == "-") {
    write_output("-", e.qasm);
    return;
  }
  const bool side_file = !e.sidecar_path.empty() && e.sidecar_path != "-";
  std::fprintf(stderr, "wrote %s: %zu qubits, %zu gates, %zu measured%s\n", opt.out.c_str(),
               e.qubits, e.gates, e.measured,
               side_file ? fmt::format("; {}", e.sidecar_path.string()).c_str() : "");
}

}  // namespace

void add_export(CLI::App& app) {
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "Write a trained qmfnn circuit for one test sample as OpenQASM");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  add_checkpoint_option(cmd, opt->checkpoint);
  cmd->add_option("--sample", opt->sample, "index of the test sample (0, 1, ...)")->required();
  cmd->add_option("--format", opt->format, "qasm3 (default) or qasm2")
      ->check(CLI::IsMember({"qasm3", "qasm2"}));
  cmd->add_option("--bit-order", opt->bit_order,
                  "big-endian (default: c[0] is the outcome index's top bit) or qiskit "
                  "(Qiskit's count strings read as binary numbers are the index)")
      ->check(CLI::IsMember({"big-endian", "qiskit"}));
  cmd->add_option("--out", opt->out, "output file; - or none: standard output");
  cmd->add_option("--sidecar", opt->sidecar,
                  "JSON with the expected distribution and the readout's rule and weights "
                  "(default: the --out file's name + .json; none when writing to standard output)");
  cmd->add_option("--set", opt->sets, "override a data key or train.threads");
  cmd->callback([opt] { run_export(*opt); });
}

}  // namespace qmf::app
