#include "export/sidecar.h"

#include <string>
#include <vector>

#include "core/error.h"

namespace qmf::exporter {
namespace {

using nlohmann::json;

// The count string of outcome `index` as the bit order writes it: read as a binary number it is
// the index in both orders (see BitOrder), so the string is the index's r-bit binary form.
std::string count_string(size_t index, size_t bits) {
  std::string s(bits, '0');
  for (size_t j = 0; j < bits; ++j)
    if ((index >> (bits - 1 - j)) & 1) s[j] = '1';
  return s;
}

json distribution_json(std::span<const double> marginal, size_t bits) {
  json by_string = json::object();
  for (size_t i = 0; i < marginal.size(); ++i) by_string[count_string(i, bits)] = marginal[i];
  return by_string;
}

json expval_head(const nn::ParameterArena& arena, size_t bits, int classes) {
  const nn::ParamBlock& w = arena.block("readout.weight");
  const nn::ParamBlock& b = arena.block("readout.bias");
  QMF_CHECK(w.size == bits * static_cast<size_t>(classes) && b.size == static_cast<size_t>(classes),
            "expval head of {} x {} expected", classes, bits);
  const auto values = arena.values();
  json weights = json::array();
  for (int c = 0; c < classes; ++c) {
    json row = json::array();
    for (size_t j = 0; j < bits; ++j) row.push_back(values[w.offset + c * bits + j]);
    weights.push_back(std::move(row));
  }
  json bias = json::array();
  for (int c = 0; c < classes; ++c) bias.push_back(values[b.offset + c]);
  return {{"weights", std::move(weights)}, {"bias", std::move(bias)}};
}

}  // namespace

json readout_sidecar(const model::QmfnnProbe& probe, const nn::ParameterArena& arena,
                     const NumericCircuit& circuit, BitOrder order,
                     std::span<const double> marginal, std::span<const double> probs) {
  const model::QmfnnSpec& spec = probe.spec();
  const size_t bits = probe.qmf_circuit().readout.size();
  json readout = {{"kind", name_of(spec.settings.readout)}, {"classes", spec.classes}};
  if (spec.settings.readout == Readout::probs) {
    readout["rule"] = "p[c] = P(c) / sum of P(c') over c' < classes, for c < classes";
  } else {
    readout["rule"] =
        "z[j] = sum over outcomes i of P(i) * (1 - 2 * bit j of the outcome string i); "
        "logits = weights z + bias; p = softmax(logits)";
    readout.update(expval_head(arena, bits, spec.classes));
  }
  return {
      {"format", "qmf-export-sidecar"},
      {"version", 1},
      {"bit_order", order == BitOrder::qiskit ? "qiskit" : "big-endian"},
      {"measured_qubits", circuit.measured},  // classical bit i holds measured_qubits[i]
      {"outcome_strings",
       order == BitOrder::qiskit
           ? "Qiskit's count strings (c[r-1] first); the string read as a binary number is the "
             "outcome index"
           : "c[0]c[1]...c[r-1] (c[0] first); the string read as a binary number is the outcome "
             "index"},
      {"expected_distribution", distribution_json(marginal, bits)},
      {"readout", std::move(readout)},
      {"class_probabilities", std::vector<double>(probs.begin(), probs.end())},
  };
}

}  // namespace qmf::exporter
