#pragma once
// Damaging one modality of a seeded fraction of the test samples (data.corrupt.*), to see how a
// model and its explanations react when one sense fails: Gaussian noise added to every feature,
// or the features blanked to 0 (a black image, a silent spectrogram).
#include <cstddef>
#include <cstdint>

#include "core/options.h"
#include "data/dataset.h"

namespace qmf::data {

struct Corruption {
  size_t modality = 0;  // 1-based; 0: no corruption
  CorruptKind kind = CorruptKind::noise;
  double fraction = 1.0;  // of the split's samples, chosen at random by the seed
  double sigma = 0.5;     // standard deviation of the noise, in feature units

  bool active() const { return modality > 0 && fraction > 0; }
};

// Corrupts round(fraction * n) samples of `split`, chosen by `seed`; returns how many. Throws
// qmf::UsageError naming data.corrupt.modality when the modality does not exist.
size_t corrupt(Split& split, const Corruption& c, uint64_t seed);

}  // namespace qmf::data
