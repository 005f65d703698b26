#pragma once
// Row-wise softmax family and the classification loss. Every function subtracts the row maximum
// before exponentiating, so logits of any magnitude give finite results.
#include <span>

#include "nn/tensor.h"

namespace qmf::nn {

// logits: B x C -> out: B x C, out[b, c] = logits[b, c] - logsumexp(logits[b, :]).
void log_softmax(const Matrix& logits, Matrix& out);
// logp: B x C, the output of log_softmax; dlogp: B x C -> dlogits: B x C,
// dlogits = dlogp - softmax * rowsum(dlogp). (Late fusion sums log-softmax outputs.)
void log_softmax_backward(const Matrix& logp, const Matrix& dlogp, Matrix& dlogits);
// logits: B x C -> probs: B x C, rows summing to 1.
void softmax(const Matrix& logits, Matrix& probs);

// Mean over the batch of -log softmax(logits[b])[labels[b]]. Writes dlogits (B x C), already
// divided by B: (softmax - onehot(labels)) / B. labels: B entries in [0, C).
double softmax_cross_entropy(const Matrix& logits, std::span<const int> labels, Matrix& dlogits);

}  // namespace qmf::nn
