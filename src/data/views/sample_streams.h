#pragma once
// The seeded random streams a view draws its samples from: one per purpose and split, all fixed
// by the one seed (train.seed), none depending on how many draws another made.
#include <cstdint>

#include "core/rng.h"

namespace qmf::data {

// Each value is a mix_seed stream (core/rng.h): renumbering one changes the subsets, pairings
// and hold-outs that every existing seed gives.
enum class SampleStream : uint64_t {
  kPairTrain = 0,
  kPairTest = 1,
  kLimitTrain = 2,
  kLimitTest = 3,
  kValidation = 4,
};

inline Rng sample_rng(uint64_t seed, SampleStream stream) {
  return Rng(mix_seed(seed, static_cast<uint64_t>(stream)));
}

}  // namespace qmf::data
