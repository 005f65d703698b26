#pragma once
// Encodings of a modality's features h (B x d) into its register (docs/MODEL.md) and the way back
// for gradients. Amplitudes are real, so dL/dh only needs Re(g) of the register gradient.
#include <complex>
#include <vector>

#include "core/options.h"
#include "nn/tensor.h"

namespace qmf::model {

using cplx = std::complex<double>;

// The register's amplitudes, B rows of 2^k values (amplitude, belief). Angle encoding does not
// use this: its features become per-sample RY angles on a register that starts in |0>.
void encode(Encoding e, const nn::Matrix& h, std::vector<cplx>& amplitudes);
// dL/dh from g = dL/d(amplitudes) with dL = Re(conj(g) dpsi).
void encode_backward(Encoding e, const nn::Matrix& h, const std::vector<cplx>& amplitudes,
                     const std::vector<cplx>& g, nn::Matrix& dh);

inline constexpr double kAmplitudeEps = 1e-12;

}  // namespace qmf::model
