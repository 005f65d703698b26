#include "jobs/export_job.h"

#include <charconv>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/batch.h"
#include "explain/require_probe.h"
#include "export/qasm_writer.h"
#include "export/sample_circuit.h"
#include "export/sidecar.h"
#include "model/qmfnn_probe.h"
#include "report/eval_report.h"

namespace qmf::jobs {
namespace {

namespace fs = std::filesystem;

std::string class_name(const train::TrainedRun& run, int label) {
  return report::class_labels(run.data.class_names, run.data.classes)[static_cast<size_t>(label)];
}

// What a reader of the file needs to turn its measurements back into the model's answer.
std::string header(const ExportRequest& opt, const train::TrainedRun& run, model::QmfnnProbe& probe,
                   size_t sample, int label, const nn::Matrix& marginal, const nn::Matrix& probs) {
  const model::QmfnnSpec& spec = probe.spec();
  const std::string index = opt.bit_order == "qiskit"
                                ? "the count string (c[r-1] first) read as a binary number"
                                : "c[0]c[1]...c[r-1] read as a binary number";
  const std::string readout =
      spec.settings.readout == Readout::probs
          ? fmt::format(
                "class c (c < {}) has probability P(c) / sum_{{c' < {}}} P(c'), where c is "
                "the outcome index, {}",
                spec.classes, spec.classes, index)
          : fmt::format(
                "the <Z> of each measured qubit feeds the run's classical linear head and "
                "a softmax (the head's weights are in the JSON sidecar); outcome index: {}",
                index);
  std::vector<std::string> p, q;
  for (nn::Index i = 0; i < marginal.cols(); ++i)
    p.push_back(fmt::format("{:.6f}", marginal(0, i)));
  for (nn::Index c = 0; c < probs.cols(); ++c) q.push_back(fmt::format("{:.6f}", probs(0, c)));
  return fmt::format(
      "QMF export of run {}, test sample {} (true class {}) of {}\n{}\n"
      "encoding: {}; every register is prepared from |0...0> at the start\n"
      "readout: {}\n"
      "expected distribution of the outcome index 0, 1, ...: {}\n"
      "class probabilities of the model ({}): {}",
      opt.run_dir.string(), sample, class_name(run, label), run.data.view, run.model->describe(),
      name_of(spec.settings.encoding), readout, fmt::join(p, " "),
      fmt::join(report::class_labels(run.data.class_names, spec.classes), ", "), fmt::join(q, " "));
}

// The topmost of out's parent directories that does not exist yet (empty: they all do).
fs::path first_missing_parent(const fs::path& out) {
  fs::path top;
  std::error_code ec;
  for (fs::path dir = out.parent_path(); !dir.empty() && !fs::exists(fs::symlink_status(dir, ec));
       dir = dir.parent_path())
    top = dir;
  return top;
}

// Checked before the run is loaded, so a bad --out fails at once. Missing parent directories
// are made, as for every other output of qmf, but only when the file is written: a failed
// export leaves none behind.
void check_out_file(const fs::path& out) {
  std::error_code ec;
  if (fs::is_directory(out, ec))
    throw UsageError(fmt::format("--out {}: is a directory; give a file name", out.string()));
  if (out.filename().empty())
    throw UsageError(fmt::format("--out {}: names a directory; give a file name", out.string()));
  const fs::path missing = first_missing_parent(out);
  const fs::path existing = missing.empty() ? out.parent_path() : missing.parent_path();
  if (!existing.empty() && !fs::is_directory(existing, ec))
    throw Error(fmt::format("--out {}: {} is {}: Not a directory", out.string(), existing.string(),
                            describe_file_kind(existing)));
}

// The circuit text to `out` (`-`: standard output), through the atomic writer.
void write_out(const fs::path& out, std::string_view text) {
  if (out == "-") {
    write_output(out, text);
    return;
  }
  const fs::path made = first_missing_parent(out);
  std::error_code ec;
  if (!made.empty()) fs::create_directories(out.parent_path(), ec);
  if (ec)
    throw Error(fmt::format("--out {}: cannot create {}: {}", out.string(),
                            out.parent_path().string(), ec.message()));
  try {
    write_output(out, text);
  } catch (const Error&) {
    if (!made.empty()) fs::remove_all(made, ec);
    throw;
  }
}

// The sidecar goes beside a circuit written to a file (FILE.json), or where --sidecar says.
fs::path sidecar_path(const ExportRequest& opt) {
  if (!opt.sidecar.empty()) return opt.sidecar;
  return opt.out == "-" ? fs::path() : fs::path(opt.out.string() + ".json");
}

}  // namespace

std::optional<size_t> export_sample_index(const std::string& text) {
  size_t index = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, index);
  if (!text.empty() && stop == end && ec == std::errc::result_out_of_range) return std::nullopt;
  if (text.empty() || stop != end || ec != std::errc{})
    throw UsageError(fmt::format("--sample {}: expected the index of a test sample (0, 1, ...)",
                                 quote_value(text)));
  return index;
}

void check_export_request(const ExportRequest& opt) {
  export_sample_index(opt.sample);
  if (opt.format != "qasm3" && opt.format != "qasm2")
    throw UsageError(fmt::format("--format {}: expected qasm3 or qasm2", quote_value(opt.format)));
  if (opt.bit_order != "big-endian" && opt.bit_order != "qiskit")
    throw UsageError(
        fmt::format("--bit-order {}: expected big-endian or qiskit", quote_value(opt.bit_order)));
  const fs::path sidecar = sidecar_path(opt);
  if (opt.out != "-") check_out_file(opt.out);
  if (!sidecar.empty() && sidecar != "-") check_out_file(sidecar);
  if (sidecar == opt.out)
    throw UsageError(fmt::format("--sidecar {}: the circuit goes there too", sidecar.string()));
}

Exported export_sample(const train::TrainedRun& run, const ExportRequest& opt) {
  check_export_request(opt);
  const std::optional<size_t> sample = export_sample_index(opt.sample);
  model::QmfnnProbe& probe = explain::require_probe(run, opt.run_dir, "export");
  const data::Split& test = run.data.test;
  if (test.size() == 0)
    throw Error(fmt::format("the test split of {} is empty: nothing to export", run.data.view));
  if (!sample || *sample >= test.size())
    throw UsageError(fmt::format("--sample {}: the test split of {} has samples 0..{}",
                                 quote_value(opt.sample), run.data.view, test.size() - 1));
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  data::gather(test, {&*sample, 1}, x, y);
  nn::Matrix marginal, probs;
  probe.run_from(probe.registers(x), marginal, probs);
  const exporter::BitOrder order =
      opt.bit_order == "qiskit" ? exporter::BitOrder::qiskit : exporter::BitOrder::big_endian;
  const exporter::NumericCircuit circuit = exporter::sample_circuit(probe, x, order);
  const auto version =
      opt.format == "qasm2" ? exporter::QasmVersion::v2 : exporter::QasmVersion::v3;
  Exported done;
  done.qasm = exporter::write_qasm(circuit, version,
                                   header(opt, run, probe, *sample, y[0], marginal, probs));
  done.sidecar = exporter::readout_sidecar(probe, run.model->arena(), circuit, order,
                                           {marginal.data(), size_t(marginal.size())},
                                           {probs.data(), size_t(probs.size())});
  done.sidecar["run"] = opt.run_dir.string();
  done.sidecar["sample"] = *sample;
  done.sidecar["true_class"] = y[0];
  done.sidecar["true_class_name"] = class_name(run, y[0]);
  done.sidecar["class_names"] = report::class_labels(run.data.class_names, run.data.classes);
  done.sidecar["view"] = run.data.view;
  done.sidecar_path = sidecar_path(opt);
  done.qubits = static_cast<size_t>(circuit.circuit.qubits());
  done.gates = circuit.circuit.gates().size();
  done.measured = circuit.measured.size();
  if (!done.sidecar_path.empty() && done.sidecar_path != "-")
    write_out(done.sidecar_path, done.sidecar.dump(2) + "\n");
  if (opt.out != "-") write_out(opt.out, done.qasm);
  return done;
}

}  // namespace qmf::jobs
