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

// x: one 1 x D_m row per modality. Throws qmf::Error when a register's state has no direction
// (an all-zero FFN output under the amplitude encoding), naming the modality.
NumericCircuit sample_circuit(model::QmfnnProbe& probe, const std::vector<nn::Matrix>& x);

}  // namespace qmf::exporter
