#pragma once
// The feature-entanglement quantum multimodal fusion network (docs/MODEL.md):
//   h_m = FFN_m(x_m) -> register R_m (amplitude | belief | angle encoding)
//   -> fusion block (entangling the registers) -> QCNN -> marginal on r qubits -> readout.
// Gradients: softmax/probs readout -> dL/dP -> adjoint through the circuit -> dL/d(register
// amplitudes or angles) -> encoding -> FFN backward.
#include <memory>
#include <vector>

#include "core/options.h"
#include "model/model.h"
#include "model/qmf_circuit.h"
#include "model/qmfnn_settings.h"
#include "nn/mlp.h"
#include "noise/noise_model.h"

namespace qmf::model {

struct QmfnnSpec {
  std::vector<size_t> dims;  // input features per modality
  int classes = 10;
  QmfnnSettings settings;  // settings.k: one entry per modality
  Precision precision = Precision::f64;
  int threads = 0;
  noise::NoiseModel noise;  // noiseless by default (model/quantum_head.h)
  uint64_t shots = 0;       // evaluation from shots; 0: exact marginals
  uint64_t shot_seed = 0;
  uint32_t trajectories = 0;  // noisy circuits as trajectories; 0: density matrices
};

std::unique_ptr<Model> make_qmfnn(const QmfnnSpec& spec);

// Shared with the classical ablation (qmfnn-classical): the width of modality m's FFN output
// (2^k, or k for angle encoding), and the FFNs themselves.
int register_width(const QmfnnSpec& spec, size_t m);
std::vector<std::unique_ptr<nn::Mlp>> make_ffns(nn::ParameterArena& arena, const QmfnnSpec& spec);

}  // namespace qmf::model
