// Launch and the MPI communicator, for a qmf built with MPI (src/CMakeLists.txt compiles this file
// or launch_single.cpp): the only file of the project that calls MPI.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <optional>
#include <thread>

#include "core/error.h"
#include "dist/communicator.h"
#include "dist/launch.h"

namespace qmf::dist {
namespace {

// MPI counts are ints: larger buffers go in pieces.
constexpr size_t kMaxPiece = INT_MAX / 8;

class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void sum(std::span<double> values) const override {
    for (size_t at = 0; at < values.size(); at += kMaxPiece) {
      const size_t n = std::min(kMaxPiece, values.size() - at);
      MPI_Allreduce(MPI_IN_PLACE, values.data() + at, static_cast<int>(n), MPI_DOUBLE, MPI_SUM,
                    MPI_COMM_WORLD);
    }
  }

  std::vector<uint64_t> gather(uint64_t value) const override {
    std::vector<uint64_t> all(static_cast<size_t>(size_));
    MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    return all;
  }

  void broadcast(std::string& text, int from) const override {
    uint64_t bytes = text.size();
    MPI_Bcast(&bytes, 1, MPI_UINT64_T, from, MPI_COMM_WORLD);
    text.resize(bytes);
    for (size_t at = 0; at < bytes; at += kMaxPiece) {
      const size_t n = std::min<size_t>(kMaxPiece, bytes - at);
      MPI_Bcast(text.data() + at, static_cast<int>(n), MPI_CHAR, from, MPI_COMM_WORLD);
    }
  }

  void wait_for_all() const override {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Ibarrier(MPI_COMM_WORLD, &request);
    for (int done = 0;;) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  [[noreturn]] void abort(int code) const override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this only tells the compiler so
  }

 private:
  int rank_ = 0, size_ = 1;
};

std::optional<MpiWorld> the_mpi_world;

}  // namespace

bool built_with_mpi() { return true; }

Launch::Launch() {
  if (!detail::started_by_launcher()) return;
  // Only the main thread calls MPI; OpenMP's threads never do.
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  the_mpi_world.emplace();
  detail::set_world(&*the_mpi_world);
}

Launch::~Launch() {
  if (!the_mpi_world) return;
  detail::set_world(nullptr);
  the_mpi_world.reset();
  MPI_Finalize();
}

}  // namespace qmf::dist
