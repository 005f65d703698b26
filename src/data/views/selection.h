#pragma once
// Which source samples make up a split, decided on indices before any features are built, so
// class subsets, limits and pairings cost nothing per pixel.
#include <cstddef>
#include <vector>

#include "core/rng.h"

namespace qmf::data {

struct Selection {
  std::vector<std::vector<size_t>> rows;  // rows[s][i]: index in source s of sample i
  std::vector<int> y;                     // label of sample i

  size_t size() const { return y.size(); }
};

// Every sample of a single source, in file order.
Selection select_all(const std::vector<int>& labels);

// Every sample of the first source, each paired with a sample of the second source with the
// same label: per class, a seeded permutation of the second source's items of that class,
// cycled through in the first source's order. Throws qmf::Error if the second source has no
// item of a class the first one uses.
Selection pair_by_class(const std::vector<int>& first, const std::vector<int>& second, Rng& rng);

// The samples whose label is in `classes`, relabelled by position in `classes` (which must hold
// distinct labels); relative order is kept.
Selection select_classes(const Selection& sel, const std::vector<int>& classes);

// The first n samples of a seeded permutation, restored to their relative order; a random
// subset keeps the class mix in expectation. n == 0 or n >= size keeps everything.
Selection limit(const Selection& sel, size_t n, Rng& rng);

}  // namespace qmf::data
