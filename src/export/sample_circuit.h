#pragma once
// The whole trained circuit of a QMFNN for one input sample, as `qmf export` writes it: the
// preparation of each register's input state (amplitude and belief encodings: a state
// preparation by uniformly controlled RY rotations and CNOTs; angle encoding: its RY gates
// directly), the fusion block and the QCNN with the trained angles, and the measurement of the
// readout qubits.
#include <vector>

#include "export/numeric_circuit.h"
#include "model/qmfnn_probe.h"
#include "nn/tensor.h"

namespace qmf::exporter {

// Which classical bit holds which readout qubit. The model's outcome index reads the readout
// qubits big-endian (the first the most significant). big_endian: c[0] holds the first, so c
// read from c[0] to c[r-1] is the index. qiskit: c[0] holds the last, so a count string, which
// Qiskit prints c[r-1] first, read as a binary number is the index.
enum class BitOrder { big_endian, qiskit };

// x: one 1 x D_m row per modality. The circuit carries stage notes (encoding, fusion, QCNN,
// readout). Throws qmf::Error when a register's state has no direction (an all-zero FFN output
// under the amplitude encoding), naming the modality.
NumericCircuit sample_circuit(model::QmfnnProbe& probe, const std::vector<nn::Matrix>& x,
                              BitOrder order = BitOrder::big_endian);

}  // namespace qmf::exporter
