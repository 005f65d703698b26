#pragma once
// Mini-batches: the rows of a split that a model sees at once, in the double precision the
// classical layers compute in (nn/tensor.h). Training, evaluation, explanation and export all
// batch the same way.
#include <cstddef>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "nn/tensor.h"

namespace qmf::data {

// Rows `idx` of every modality of `split`, in the order of `idx` (repeats allowed), and their
// labels. `x` and `y` are resized, not rebuilt, so buffers reused across batches allocate only
// when a batch is larger than any before.
void gather(const Split& split, std::span<const size_t> idx, std::vector<nn::Matrix>& x,
            std::vector<int>& y);

// Starts loading rows `idx` of every modality into the cache without waiting for them: a
// shuffled epoch reads rows scattered over a split far larger than the cache, so the trainer
// asks for the next batch's rows before computing on the current one.
void prefetch(const Split& split, std::span<const size_t> idx);

}  // namespace qmf::data
