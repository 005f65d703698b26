#pragma once
// `qmf explain` (README): what a trained QMFNN does with each test sample, through its probe.
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

namespace qmf::train {
class Progress;
}

namespace qmf::explain {

using IntMatrix = Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Cost: per sample, one circuit run for the model, one per register for the uniform ablation,
// 2^k_m for the mixed ablation of register m, and two for the entropies (whose eigenproblems
// are 2^min(k_m, n - k_m) square): exponential in the register sizes, hence the progress line.
struct Options {
  // Test samples per batch; fewer where the registers are wide (down to one sample), so that
  // progress is reported about once a second.
  size_t batch = 256;
  size_t examples = 6;  // leading samples whose register distributions are kept (for plots)
  // Amplitudes one simulator pass may hold (rows x 2^n, 256 MiB in double): longer passes, such
  // as a batch times 2^k basis states, run in slices.
  size_t max_pass_amplitudes = size_t{1} << 24;
  train::Progress* progress = nullptr;  // told after each batch when set
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
  size_t circuit_runs = 0;  // simulator rows run: one circuit on one input state each

  size_t samples() const { return label.size(); }
  size_t modalities() const { return k.size(); }
};

// Explains every sample of `split` in batches of options.batch.
Explanation explain(model::QmfnnProbe& probe, const data::Split& split,
                    const Options& options = {});

}  // namespace qmf::explain
