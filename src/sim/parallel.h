#pragma once
// The loop-and-threads policy: the only place OpenMP appears. A simulator owns one, with an
// explicit thread count (no global thread state). Static scheduling over items whose results
// do not depend on which thread ran them, so serial and parallel runs agree bit for bit.
#include <cstddef>

namespace qmf::sim {

int available_threads();  // cores OpenMP would use by default

class ParallelFor {
 public:
  explicit ParallelFor(int threads = 0);  // 0: all available
  int threads() const { return threads_; }

  template <typename F>
  void operator()(size_t count, F&& f) const {
    const long n = static_cast<long>(count);
#pragma omp parallel for schedule(static) num_threads(threads_) if (threads_ > 1 && n > 1)
    for (long i = 0; i < n; ++i) f(static_cast<size_t>(i));
  }

 private:
  int threads_;
};

}  // namespace qmf::sim
