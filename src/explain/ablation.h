#pragma once
// Register states for ablating one modality (`qmf explain`). Registers hold, per
// modality m, B rows of 2^k_m amplitudes (QmfnnProbe::Registers); these helpers build copies in
// which register m carries no information about the sample:
//  * the uniform superposition, every amplitude 2^{-k/2} (a pure state, the same for all samples);
//  * the maximally mixed state I / 2^k, which is the uniform mixture of the basis states |j>:
//    every sample is repeated 2^k times with register m = |j>, and the circuit's output
//    distributions (linear in the density matrix) are then averaged over j. The B * 2^k rows are
//    made a slice at a time: all at once, a 12-qubit register would take 2^24 amplitudes a
//    sample.
#include <cstddef>
#include <vector>

#include "model/qmfnn_probe.h"
#include "nn/tensor.h"

namespace qmf::explain {

using Registers = model::QmfnnProbe::Registers;

// Samples in `registers` (the row count of register 0).
size_t register_rows(const Registers& registers, const std::vector<int>& k);

// A copy of `registers` with register m of every sample set to the uniform superposition.
Registers with_uniform_register(const Registers& registers, const std::vector<int>& k, size_t m);

// Rows [first, first + count) of the B * 2^k_m rows in which row b * 2^k_m + j is sample b with
// register m set to |j>, the other registers copied.
Registers with_basis_registers(const Registers& registers, const std::vector<int>& k, size_t m,
                               size_t first, size_t count);

// Rows [first, first + count) of every register, for running a long batch in slices.
Registers register_slice(const Registers& registers, const std::vector<int>& k, size_t first,
                         size_t count);

}  // namespace qmf::explain
