#pragma once
// Classical fusion baselines and the classical ablation of the QMFNN (docs/MODEL.md). All train
// with softmax cross-entropy on C logits and report every parameter as classical.
//   early: concat(x_1..x_M) -> MLP(hidden, ReLU) -> C.
//   late:  MLP_m(x_m) -> C logits each; fused logits = sum_m log_softmax(logits_m).
//   tfn:   z_m = ReLU(Linear(x_m -> f)); Z = [z_1;1] (x) ... (x) [z_M;1] -> Linear -> C.
//   lmf:   z_m as in tfn; h = sum_r prod_m (W_m[r] [z_m;1]) + bias, W_m of shape (rank, C, f+1).
//   qmfnn-classical: the QMFNN's FFNs, then concat(h_m) -> Linear(D -> w) -> tanh ->
//          Linear(w -> C), w chosen so the head has about the quantum part's parameter count.
#include <cstddef>
#include <memory>
#include <vector>

#include "model/model.h"
#include "model/qmfnn.h"

namespace qmf::model {

struct BaselineSpec {
  std::vector<size_t> dims;  // input features per modality
  int classes = 10;
  std::vector<int> hidden = {128};  // early / late MLP hidden widths
  int fusion_dim = 16;              // tfn / lmf: width of each z_m
  int rank = 4;                     // lmf
};

std::unique_ptr<Model> make_early(const BaselineSpec& spec);
std::unique_ptr<Model> make_late(const BaselineSpec& spec);
std::unique_ptr<Model> make_tfn(const BaselineSpec& spec);
std::unique_ptr<Model> make_lmf(const BaselineSpec& spec);
std::unique_ptr<Model> make_qmfnn_classical(const QmfnnSpec& spec);

// The qmfnn-classical head width: w >= 1 whose head parameter count (D+1)w + (w+1)C is closest
// to `quantum` (the smaller w on a tie).
int classical_head_width(size_t features, int classes, size_t quantum);

}  // namespace qmf::model
