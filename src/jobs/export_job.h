#pragma once
// `qmf export`'s work, shared by the command and the Python module: the trained circuit of a
// QMFNN run for one test sample as OpenQASM, and the JSON sidecar that turns its measured counts
// into the model's class probabilities (export/sidecar.h).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "train/trained_run.h"

namespace qmf::jobs {

struct ExportRequest {
  std::filesystem::path run_dir;    // named in the header and the sidecar
  std::string sample;               // as typed: parsed by export_sample_index, echoed in messages
  std::filesystem::path out = "-";  // "-": standard output (the caller writes the text)
  std::filesystem::path sidecar;    // empty: OUT.json beside a file, none for "-"
  std::string format = "qasm3";     // qasm3 | qasm2
  std::string bit_order = "big-endian";  // big-endian | qiskit
};

struct Exported {
  std::string qasm;
  nlohmann::json sidecar;
  std::filesystem::path sidecar_path;  // empty or "-": not written to a file
  size_t qubits = 0, gates = 0, measured = 0;
};

// --sample as the index it names; none when too large for any index (then out of range of every
// test split). Not a number at all is a UsageError.
std::optional<size_t> export_sample_index(const std::string& text);
// Everything that can be checked before the run is loaded: the sample, format, bit order and
// output files.
void check_export_request(const ExportRequest& request);
// Writes the circuit to request.out unless it is "-", the sidecar to its path unless that is
// empty or "-".
Exported export_sample(const train::TrainedRun& run, const ExportRequest& request);

}  // namespace qmf::jobs
