#pragma once
#include <complex>
#include <vector>

namespace qmf::grad {

// Gradients of a scalar loss L with respect to everything a circuit run depends on.
struct Gradients {
  std::vector<double> theta;   // dL/dtheta for each shared parameter, summed over the batch
  std::vector<double> sample;  // dL/d(per-sample angle): batch rows of sample_params() values
  // dL/d(register amplitudes): register m holds batch * 2^k_m values with the convention
  // dL = Re(sum conj(g) dpsi), so for real amplitudes dL/dx = Re(g).
  std::vector<std::vector<std::complex<double>>> registers;
};

}  // namespace qmf::grad
