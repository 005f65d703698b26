// `qmf export --run DIR --sample I [--format qasm3|qasm2] [--out FILE]`: the trained circuit of
// a QMFNN run for one test sample (its input's state preparation, the fusion block and QCNN
// with the trained angles, the readout measurements) as OpenQASM text.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "export/qasm_writer.h"
#include "export/sample_circuit.h"
#include "model/qmfnn_probe.h"
#include "train/trained_run.h"
#include "train/trainer.h"

namespace qmf::app {
namespace {

struct ExportOptions {
  std::string run, out, format = "qasm3";
  long long sample = -1;
  std::vector<std::string> sets;
};

// What a reader of the file needs to turn its measurements back into the model's answer.
std::string header(const ExportOptions& opt, const train::TrainedRun& run, model::QmfnnProbe& probe,
                   int label, const nn::Matrix& marginal, const nn::Matrix& probs) {
  const model::QmfnnSpec& spec = probe.spec();
  std::string readout =
      spec.readout == Readout::probs
          ? fmt::format(
                "class c (c < {}) has probability P(c) / sum_{{c' < {}}} P(c'), where c is "
                "the measured bits c[0..{}] read as a big-endian integer",
                spec.classes, spec.classes, probe.qmf_circuit().readout.size() - 1)
          : "the <Z> of each measured qubit feeds the run's classical linear head (not in this "
            "file) and a softmax";
  std::vector<std::string> p, q;
  for (nn::Index i = 0; i < marginal.cols(); ++i)
    p.push_back(fmt::format("{:.6f}", marginal(0, i)));
  for (nn::Index c = 0; c < probs.cols(); ++c) q.push_back(fmt::format("{:.6f}", probs(0, c)));
  return fmt::format(
      "QMF export of run {}, test sample {} (true class {}) of {}\n{}\n"
      "encoding: {}; every register is prepared from |0...0> at the start\n"
      "readout: {}\n"
      "expected distribution of c (outcome 0, 1, ...): {}\n"
      "class probabilities of the model: {}",
      opt.run, opt.sample, label, run.data.view, run.model->describe(), name_of(spec.encoding),
      readout, fmt::join(p, " "), fmt::join(q, " "));
}

// Checked before the run is loaded, so a bad --out fails at once. Missing parent directories are
// made, as for every other output of qmf.
void prepare_out_file(const std::filesystem::path& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(out, ec))
    throw UsageError(fmt::format("--out {}: is a directory; give a file name", out.string()));
  const std::filesystem::path parent = out.parent_path();
  if (parent.empty()) return;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw Error(
        fmt::format("--out {}: cannot create {}: {}", out.string(), parent.string(), ec.message()));
}

void run_export(const ExportOptions& opt) {
  if (!opt.out.empty()) prepare_out_file(opt.out);
  const auto run = train::load_trained(opt.run, opt.sets, "export");
  auto* probe = dynamic_cast<model::QmfnnProbe*>(run.model.get());
  if (probe == nullptr)
    throw UsageError(fmt::format("qmf export needs a qmfnn model; the run in {} is '{}'", opt.run,
                                 run.model->kind()));
  const data::Split& test = run.data.test;
  if (opt.sample < 0 || static_cast<size_t>(opt.sample) >= test.size())
    throw UsageError(fmt::format("--sample {}: the test split of {} has samples 0..{}", opt.sample,
                                 run.data.view, test.size() - 1));
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  const size_t index = static_cast<size_t>(opt.sample);
  train::gather(test, {&index, 1}, x, y);
  nn::Matrix marginal, probs;
  probe->run_from(probe->registers(x), marginal, probs);
  const exporter::NumericCircuit circuit = exporter::sample_circuit(*probe, x);
  const auto version =
      opt.format == "qasm2" ? exporter::QasmVersion::v2 : exporter::QasmVersion::v3;
  const std::string text =
      exporter::write_qasm(circuit, version, header(opt, run, *probe, y[0], marginal, probs));
  if (opt.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  write_file_atomic(opt.out, text);
  std::fprintf(stderr, "wrote %s: %zu qubits, %zu gates, %zu measured\n", opt.out.c_str(),
               static_cast<size_t>(circuit.circuit.qubits()), circuit.circuit.gates().size(),
               circuit.measured.size());
}

}  // namespace

void add_export(CLI::App& app) {
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* cmd =
      app.add_subcommand("export", "Write a trained qmfnn circuit for one test sample as OpenQASM");
  cmd->add_option("--run", opt->run, "run directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--sample", opt->sample, "index of the test sample")->required();
  cmd->add_option("--format", opt->format, "qasm3 (default) or qasm2")
      ->check(CLI::IsMember({"qasm3", "qasm2"}));
  cmd->add_option("--out", opt->out, "output file (default: standard output)");
  cmd->add_option("--set", opt->sets, "override a data key or train.threads");
  cmd->callback([opt] { run_export(*opt); });
}

}  // namespace qmf::app
