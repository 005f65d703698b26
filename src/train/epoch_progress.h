#pragma once
// How far an epoch had got: what a mid-epoch checkpoint must hold, besides parameters and
// optimiser state, to continue the epoch exactly. The rest of the epoch's batch order needs no
// saving: the shuffle is a function of (seed, epoch), so `steps` says where in it to go on.
#include <cstdint>

namespace qmf::train {

struct EpochProgress {
  uint64_t steps = 0;   // optimiser steps taken in the epoch; 0: the epoch has not begun
  double loss_sum = 0;  // sum over the samples trained so far of their training loss
  int64_t correct = 0;  // of those samples, how many the model classified correctly
  double seconds = 0;   // training time spent on them, for samples/s
  bool operator==(const EpochProgress&) const = default;
};

}  // namespace qmf::train
