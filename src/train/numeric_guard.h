#pragma once
// Stops training at the first non-finite number, before it can reach a checkpoint: a diverged
// run throws qmf::Error naming where it happened, and the last checkpoint on disk stays the
// last good state.
#include <cstdint>

#include "nn/arena.h"

namespace qmf::train {

// Where in training a check runs, for the message; step is 1-based within the epoch.
struct StepPlace {
  int epoch = 0;
  uint64_t step = 0;
};

// After the backward pass: throws if a gradient is non-finite (naming the first such block) or,
// the gradients being finite, if the loss is.
void check_loss_and_grads(const nn::ParameterArena& arena, double loss, StepPlace where);

// After the optimiser step: throws if an update left a parameter non-finite.
void check_values(const nn::ParameterArena& arena, StepPlace where);

}  // namespace qmf::train
