#pragma once
// The quantum part of the QMFNN (docs/MODEL.md): the feature-entanglement fusion block followed by
// the QCNN, as one circuit over n = sum k_m qubits, register R_1 the most significant.
#include <string>
#include <vector>

#include "core/options.h"
#include "model/qmfnn_settings.h"
#include "sim/circuit.h"

namespace qmf::model {

struct QmfCircuit {
  sim::Circuit circuit;
  std::vector<int> readout;  // the r = ceil(log2 C) qubits whose marginal gives the classes
  uint32_t fusion_params = 0, qcnn_params = 0;
  std::vector<std::string> schedule;  // "conv(8)", "pool(8->4)", ... for listings
  size_t encoding_gates = 0;          // leading per-sample RY gates (angle encoding), else 0
  size_t fusion_end = 0;              // gates [encoding_gates, fusion_end) are the fusion block
};

// From settings.k (one entry per register), fusion_layers, entangle, qcnn, qcnn_share,
// conv_block and encoding (angle: the registers start in |0> and RY(h) per qubit encodes the
// input). Throws UsageError when the qubits cannot hold the classes (fewer than ceil(log2 C)).
QmfCircuit build_qmf_circuit(const QmfnnSettings& settings, int classes);

int readout_qubits(int classes);  // ceil(log2 C), at least 1

// The first qubit of each register of k[0], k[1], ... qubits laid out from qubit 0.
std::vector<int> register_starts(const std::vector<int>& k);

}  // namespace qmf::model
