#pragma once
// The quantum part of the QMFNN (DESIGN §2): the feature-entanglement fusion block followed by
// the QCNN, as one circuit over n = sum k_m qubits, register R_1 the most significant.
#include <string>
#include <vector>

#include "core/options.h"
#include "sim/circuit.h"

namespace qmf::model {

struct CircuitSpec {
  std::vector<int> k;         // qubits per modality register
  int classes = 10;
  int fusion_layers = 2;
  bool entangle = true;       // false: the fusion block without its CRX entanglers (ablation)
  bool qcnn = true;           // false: read out straight after fusion (ablation)
  ConvBlock conv = ConvBlock::conv6;
  bool share = true;          // one angle set per conv / pool layer (translation invariance)
  bool angle_encoding = false;  // registers start in |0> and RY(h) per qubit encodes the input
};

struct QmfCircuit {
  sim::Circuit circuit;
  std::vector<int> readout;   // the r = ceil(log2 C) qubits whose marginal gives the classes
  uint32_t fusion_params = 0, qcnn_params = 0;
  std::vector<std::string> schedule;  // "conv(8)", "pool(8->4)", ... for listings
  size_t encoding_gates = 0;  // leading per-sample RY gates (angle encoding), else 0
  size_t fusion_end = 0;      // gates [encoding_gates, fusion_end) are the fusion block
};

// Throws UsageError when the qubits cannot hold the classes (fewer than ceil(log2 C)).
QmfCircuit build_qmf_circuit(const CircuitSpec& spec);

int readout_qubits(int classes);  // ceil(log2 C), at least 1

}  // namespace qmf::model
