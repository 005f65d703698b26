#pragma once
#include <initializer_list>
// Per-feature standardisation with statistics from the training split only, so nothing about
// the test split leaks into the inputs.
#include "data/dataset.h"

namespace qmf::data {

// For each modality and feature: subtract the train mean and divide by the train standard
// deviation (population), in both splits. A feature constant on the train split is only
// centred (divided by 1). The train split must not be empty.
// The statistics come from `train` alone; the other splits (test, validation) get the same map.
void standardize(Split& train, std::initializer_list<Split*> others);

}  // namespace qmf::data
