#pragma once
// Real state preparation from |0...0> with RY and CNOT only, for exporting an encoded input
// (amplitude or belief encoding, docs/MODEL.md) as gates. The construction is the binary tree of
// uniformly controlled RY rotations of sim/real_state_tree.h (Mottonen et al.), each rotation
// decomposed with the Gray-code CNOT pattern: for k qubits, 2^k - 1 RY and 2^k - 2 CNOT gates.
#include <span>

#include "export/numeric_circuit.h"

namespace qmf::exporter {

// Appends gates taking |0...0> on qubits first_qubit..first_qubit+k-1 to the real state with the
// given 2^k amplitudes (index big-endian over those qubits: first_qubit is the most significant
// bit), signs included. The amplitudes must be finite with unit norm to 1e-9; a deviation within
// that is normalised away. Throws qmf::Error on a bad size, qubit range or norm.
void append_state_prep(NumericCircuit& c, int first_qubit, int k,
                       std::span<const double> amplitudes);

}  // namespace qmf::exporter
