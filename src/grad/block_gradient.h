#pragma once
// From a block's K (grad/adjoint.h: K[r][c] = sum conj(lambda[r]) phi[c] over the block's input
// phi and the adjoint state after it) to the derivatives of its angles. Shared by every sweep
// that accumulates K: the state-vector adjoint and the density-matrix one (noise/density.h).
#include <span>
#include <vector>

#include "grad/gradients.h"
#include "sim/program.h"

namespace qmf::grad {

// 2 Re sum_rc D_rc K_rc, with K given as separate real and imaginary arrays (k_im null for a
// real block) whose entries lie `stride` doubles apart.
double contract(const sim::GateMatrix& d, const double* k_re, const double* k_im, size_t stride);

// Adds the derivatives of the shared angles of block i, whose K (summed over the batch; real
// parts then, unless the block is real, imaginary parts) is `k`, into out.theta.
void add_shared_block_gradient(const sim::Program& prog, std::span<const double> theta, size_t i,
                               std::span<const double> k, Gradients& out);

}  // namespace qmf::grad
