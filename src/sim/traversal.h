#pragma once
// How every sweep over a batch state (forward, marginal, the adjoint) spreads its work over the
// threads. Each thread normally owns whole chunks of samples, so a small state stays in its cache
// for the whole circuit. When there are fewer chunks than threads and the states are large, that
// would leave threads idle, so the chunks are walked one after another and each range of groups
// or amplitudes is cut into fixed segments that the threads share. Never both at once.
//
// Segments depend on the range alone, never on the thread count, and every reduction is summed
// per segment and then in segment order: the two walks, and so every thread count, give the same
// bits.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "core/parallel.h"

namespace qmf::sim {

class Traversal {
 public:
  // Below this size a state is cheap enough that idle threads cost less than sharing chunks.
  static constexpr int kSplitFromQubits = 14;
  static constexpr size_t kSegment = 4096;

  Traversal(const ParallelFor& threads, size_t chunks, int qubits)
      : threads_(threads),
        splits_(chunks < static_cast<size_t>(threads.threads()) && qubits >= kSplitFromQubits) {}

  // True when the threads share each chunk's segments, false when they share the chunks.
  bool splits_amplitudes() const { return splits_; }

  static size_t segment_size(size_t range) { return std::min(range, kSegment); }
  static size_t segments(size_t range) { return range / segment_size(range); }

  // work(chunk) for every chunk of `chunks`.
  template <typename Work>
  void each_chunk(size_t chunks, Work&& work) const {
    if (splits_) {
      for (size_t ch = 0; ch < chunks; ++ch) work(ch);
    } else {
      threads_(chunks, work);
    }
  }

  // work(j) for every j of [0, count), from inside each_chunk's work: shared by the threads
  // when they share each chunk, in order on the chunk's thread otherwise.
  template <typename Work>
  void each_part(size_t count, Work&& work) const {
    if (splits_) {
      threads_(count, work);
    } else {
      for (size_t j = 0; j < count; ++j) work(j);
    }
  }

  // work(segment, begin, end) for every segment of [0, range), from inside each_chunk's work.
  template <typename Work>
  void each_segment(size_t range, Work&& work) const {
    const size_t size = segment_size(range);
    each_part(range / size, [&](size_t j) { work(j, j * size, (j + 1) * size); });
  }

  // Adds into sum[0, width) what work(begin, end, into) adds into `into` for each segment of
  // [0, range); work must add its segment's total once per call (as the kernels do), so adding
  // straight into `sum` one segment after another gives the same bits as adding per-segment
  // partial sums in segment order, which is what the shared segments need.
  template <typename Work>
  void reduce_segments(size_t range, size_t width, double* sum, Work&& work) const {
    if (!splits_) {
      each_segment(range, [&](size_t, size_t begin, size_t end) { work(begin, end, sum); });
      return;
    }
    std::vector<double> partial(segments(range) * width, 0.0);
    each_segment(range, [&](size_t j, size_t begin, size_t end) {
      work(begin, end, partial.data() + j * width);
    });
    for (size_t j = 0; j < segments(range); ++j)
      for (size_t e = 0; e < width; ++e) sum[e] += partial[j * width + e];
  }

 private:
  ParallelFor threads_;
  bool splits_;
};

}  // namespace qmf::sim
