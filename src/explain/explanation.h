#pragma once
// `qmf explain` (DESIGN §5): what a trained QMFNN does with each test sample, through its probe.
//  * each modality's own distribution over its register before fusion, |<j|psi_m>|^2 (for the
//    belief encoding the first C entries are the modality's class belief);
//  * the fused class probabilities p and the prediction;
//  * attribution by ablation, per modality m: the drop in the true class's log-probability when
//    register m is replaced by a state that carries nothing about the sample,
//      attribution_m = log(p(y) + 1e-10) - log(p_ablated(y) + 1e-10),
//    positive when modality m supported the true class; the replacement is the uniform
//    superposition (a pure state) or the maximally mixed state I / 2^k (see ablation.h);
//  * entanglement: the von Neumann entropy (bits, 0..k_m) of each register's reduced state after
//    the fusion block and after the whole circuit; 0 for a product state.
#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "data/dataset.h"
#include "model/qmfnn_probe.h"
#include "nn/tensor.h"

namespace qmf::explain {

using IntMatrix = Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Options {
  size_t batch = 256;   // test samples per pass; the mixed-state ablation runs 2^k times as many
  size_t examples = 6;  // leading samples whose register distributions are kept (for plots)
  // Amplitudes one simulator pass may hold (rows x 2^n, 256 MiB in double): longer passes, such
  // as a batch times 2^k basis states, run in slices.
  size_t max_pass_amplitudes = size_t{1} << 24;
};

// One row per test sample, in the split's order; per-modality quantities have one column per
// modality (N x M).
struct Explanation {
  int classes = 0;
  std::vector<int> k;  // qubits per register
  std::vector<int> label, prediction;
  nn::Matrix probs;                // N x C fused class probabilities
  nn::Matrix attribution_uniform;  // N x M, register m -> uniform superposition
  nn::Matrix attribution_mixed;    // N x M, register m -> maximally mixed state
  IntMatrix prediction_ablated;    // N x M, the prediction with register m uniform
  IntMatrix prediction_mixed;      // N x M, the prediction with register m maximally mixed
  nn::Matrix entropy_fusion;       // N x M, bits, after the fusion block
  nn::Matrix entropy_circuit;      // N x M, bits, after the whole circuit
  // [sample][modality][j]: |<j|psi_m>|^2 for the first Options::examples samples.
  std::vector<std::vector<std::vector<double>>> distributions;

  size_t samples() const { return label.size(); }
  size_t modalities() const { return k.size(); }
};

// Explains every sample of `split` in batches of options.batch.
Explanation explain(model::QmfnnProbe& probe, const data::Split& split,
                    const Options& options = {});

}  // namespace qmf::explain
