#pragma once
// Readouts on the marginal P over the r readout qubits (B x 2^r), docs/MODEL.md.
//  probs:  p_c = P(c) / sum_{c' < C} P(c'), loss -log(p_y + 1e-10).
//  expval: z_j = <Z_j> = sum_c P(c) (1 - 2 bit_j(c)), then a Linear layer and softmax CE (the
//          layer lives in the model; these helpers map between P and z).
#include <cstdint>
#include <span>

#include "nn/tensor.h"

namespace qmf::model {

inline constexpr double kProbFloor = 1e-10;

// Returns the batch-mean loss; writes class probabilities (B x C) and, when dmarginal is not
// null, dLoss/dP (B x 2^r). `floor` replaces kProbFloor in the loss.
double probs_readout(const nn::Matrix& marginal, std::span<const int> y, int classes,
                     nn::Matrix& probs, nn::Matrix* dmarginal, double floor = kProbFloor);

// The floor of the probs readout's loss when P is estimated from `shots` measurements (0:
// exact). A class never seen in N shots has a probability below about 1/N, not 0: half a count,
// 1/(2N), keeps -log from charging it 23 nats and its gradient from reaching 1e10, which would
// drown every other sample of the batch when training on shots.
inline double prob_floor(uint64_t shots) {
  return shots > 0 ? 0.5 / static_cast<double>(shots) : kProbFloor;
}

// The probs readout's class probabilities alone (B x C), and dL/dP (B x 2^r) from dL/dp.
void class_probs(const nn::Matrix& marginal, int classes, nn::Matrix& probs);
void class_probs_backward(const nn::Matrix& marginal, int classes, const nn::Matrix& dprobs,
                          nn::Matrix& dmarginal);

void z_from_marginal(const nn::Matrix& marginal, nn::Matrix& z);
void z_backward(const nn::Matrix& dz, nn::Matrix& dmarginal);  // dmarginal is B x 2^r

}  // namespace qmf::model
