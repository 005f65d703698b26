#pragma once
// Readout error on a marginal: each readout qubit's bit is flipped independently, 0 -> 1 with
// probability p01 and 1 -> 0 with p10, after the state is measured. Classical and linear, so it
// acts on the marginal P (B x 2^r) as the Kronecker product of r 2 x 2 confusion matrices
//   M = [[1 - p01, p10], [p01, 1 - p10]]   (column: the state's bit, row: the bit read),
// and a gradient goes back through M's transpose.
#include <cstddef>
#include <span>

#include "noise/noise_model.h"

namespace qmf::noise {

// P <- (M (x) ... (x) M) P for every row of `marginal` (rows of `outcomes` = 2^r values).
void apply_readout_error(const ReadoutError& e, std::span<double> marginal, size_t outcomes);
// dP <- (M (x) ... (x) M)^T dP: the gradient with respect to the marginal before the error.
void readout_error_backward(const ReadoutError& e, std::span<double> dmarginal, size_t outcomes);

}  // namespace qmf::noise
