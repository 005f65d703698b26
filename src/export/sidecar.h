#pragma once
// The JSON file written beside an exported circuit: everything a run on hardware or another
// simulator needs to turn its measured counts into the model's class probabilities without QMF.
// It holds the full-precision expected distribution of the outcome index, how the index is read
// from the classical bits (the export's bit order), and the readout's rule: for probs, the
// renormalisation over the first C outcomes; for expval, the Z expectations and the classical
// head's weights and biases, in full precision.
#include <span>

#include <nlohmann/json.hpp>

#include "export/sample_circuit.h"
#include "model/qmfnn_probe.h"
#include "nn/arena.h"

namespace qmf::exporter {

// `marginal`: the model's distribution of the outcome index (2^r values); `probs`: its class
// probabilities (C values); `circuit`: the exported circuit (its measured qubits name the bits).
nlohmann::json readout_sidecar(const model::QmfnnProbe& probe, const nn::ParameterArena& arena,
                               const NumericCircuit& circuit, BitOrder order,
                               std::span<const double> marginal, std::span<const double> probs);

}  // namespace qmf::exporter
