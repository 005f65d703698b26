#pragma once
// Aggregates of an Explanation: over all samples and per true class, the accuracy and, per
// modality, the mean attributions, the accuracy with the modality ablated and the mean register
// entropies; and histograms of the register entropies.
#include <cstddef>
#include <vector>

#include "explain/explanation.h"

namespace qmf::explain {

struct ModalityStats {
  double attribution = 0;        // mean attribution, register -> uniform superposition
  double attribution_mixed = 0;  // mean attribution, register -> maximally mixed state
  double accuracy_ablated = 0;   // accuracy with the register uniform
  double accuracy_mixed = 0;     // accuracy with the register maximally mixed
  double entropy_fusion = 0;     // mean entropy (bits) after the fusion block
  double entropy_circuit = 0;    // mean entropy (bits) after the whole circuit
};

// A group of samples: all of them, or those of one true class. Means over an empty group are 0.
struct GroupStats {
  size_t count = 0;
  double accuracy = 0;
  std::vector<ModalityStats> modalities;
};

struct Summary {
  GroupStats overall;
  std::vector<GroupStats> per_class;  // indexed by the true class
};

Summary summarise(const Explanation& e);

// Counts of the register entropies in `bins` equal bins over [0, max k] bits (the top edge
// included in the last bin), per modality and stage.
struct EntropyHistograms {
  std::vector<double> edges;                 // bins + 1 edges
  std::vector<std::vector<size_t>> fusion;   // [modality][bin]
  std::vector<std::vector<size_t>> circuit;  // [modality][bin]
};

EntropyHistograms entropy_histograms(const Explanation& e, size_t bins = 20);

}  // namespace qmf::explain
