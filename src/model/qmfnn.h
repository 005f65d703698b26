#pragma once
// The feature-entanglement quantum multimodal fusion network (DESIGN §2):
//   h_m = FFN_m(x_m) -> register R_m (amplitude | belief | angle encoding)
//   -> fusion block (entangling the registers) -> QCNN -> marginal on r qubits -> readout.
// Gradients: softmax/probs readout -> dL/dP -> adjoint through the circuit -> dL/d(register
// amplitudes or angles) -> encoding -> FFN backward.
#include <memory>
#include <vector>

#include "core/options.h"
#include "model/model.h"
#include "model/qmf_circuit.h"

namespace qmf::model {

struct QmfnnSpec {
  std::vector<size_t> dims;  // input features per modality
  int classes = 10;
  std::vector<int> k;        // qubits per modality
  Encoding encoding = Encoding::amplitude;
  std::vector<int> ffn_hidden;
  Activation ffn_activation = Activation::relu;
  int fusion_layers = 2;
  bool entangle = true;
  bool qcnn = true;
  bool qcnn_share = true;
  ConvBlock conv_block = ConvBlock::conv6;
  Readout readout = Readout::probs;
  Precision precision = Precision::f64;
  int threads = 0;
};

std::unique_ptr<Model> make_qmfnn(const QmfnnSpec& spec);

}  // namespace qmf::model
