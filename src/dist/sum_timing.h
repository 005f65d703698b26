#pragma once
// How long the ranks take to sum a vector (Communicator::sum), for `qmf bench --allreduce` and
// the scaling model of docs/CLUSTER.md: a data-parallel step pays it once, for the gradients.
#include <cstddef>

#include "dist/communicator.h"

namespace qmf::dist {

struct SumTiming {
  double median_us = 0, min_us = 0;  // per sum, over `rounds` rounds of `per_round` sums
  size_t doubles = 0;
  int ranks = 1, rounds = 0, per_round = 0;
};

// Every rank must call it with the same arguments (it is a sequence of collectives).
SumTiming time_sums(const Communicator& ranks, size_t doubles, int rounds = 21, int per_round = 50);

}  // namespace qmf::dist
