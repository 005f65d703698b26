#pragma once
// The loop-and-threads policy: the only place OpenMP appears. A simulator or a convolution owns
// one, with an explicit thread count. Items are handed out dynamically, so a thread that shares
// its core with another process simply takes fewer; no result depends on which thread ran an item,
// and every reduction goes per item, then in item order, so every thread count gives the same bits.
#include <cstddef>

namespace qmf {

int available_threads();  // cores OpenMP would use by default

// The process-wide part of running models on `threads` threads (the simulator takes its count
// from SimOptions). Eigen's products always run on one thread: its GEMM blocks the sums over
// the inner dimension by thread count, so threaded products would change the bits with
// train.threads. Throws UsageError for a negative count.
void use_threads(int threads);

// Called first thing in main. libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT when it loads,
// before main, and by default spins at every barrier; on a core shared with another process a
// spinning thread starves the one the barrier waits for (2 threads ran at a seventh of the speed
// of 1). Unless the user chose either variable, re-executes the program once with
// OMP_WAIT_POLICY=passive (same pid, same arguments). If the exec fails, carries on spinning.
void reexec_with_passive_waiting(char** argv);

class ParallelFor {
 public:
  explicit ParallelFor(int threads = 0);  // 0: all available
  int threads() const { return threads_; }

  template <typename F>
  void operator()(size_t count, F&& f) const {
    const long n = static_cast<long>(count);
#pragma omp parallel for schedule(dynamic) num_threads(threads_) if (threads_ > 1 && n > 1)
    for (long i = 0; i < n; ++i) f(static_cast<size_t>(i));
  }

 private:
  int threads_;
};

}  // namespace qmf
