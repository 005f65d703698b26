#pragma once
// Elementwise activations over batches. Each backward takes what its derivative is cheapest
// from: ReLU its input (the sign), Tanh its output (1 - y^2). All functions may be called with
// the output aliasing the input (dx may be dy, y may be x): every operation is coefficient-wise.
#include "core/options.h"
#include "nn/tensor.h"

namespace qmf::nn {

// Also the config's model.ffn_activation, spelled by the table below.
enum class Activation { relu, tanh };
inline constexpr Spelling<Activation> kActivations[] = {{Activation::relu, "relu"},
                                                        {Activation::tanh, "tanh"}};
constexpr std::span<const Spelling<Activation>> spellings(Activation) { return kActivations; }

// y = max(x, 0). dx = dy where x > 0, else 0 (the subgradient 0 at the kink).
void relu_forward(const Matrix& x, Matrix& y);
void relu_backward(const Matrix& x, const Matrix& dy, Matrix& dx);

// y = tanh(x). dx = dy * (1 - y^2), from the forward output y.
void tanh_forward(const Matrix& x, Matrix& y);
void tanh_backward(const Matrix& y, const Matrix& dy, Matrix& dx);

// Dispatch on the kind; backward is given both the forward input x and output y.
void activation_forward(Activation act, const Matrix& x, Matrix& y);
void activation_backward(Activation act, const Matrix& x, const Matrix& y, const Matrix& dy,
                         Matrix& dx);

}  // namespace qmf::nn
