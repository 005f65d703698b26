#pragma once
// The processes that work on one job: MPI's world when `qmf` was started by a launcher (mpirun,
// srun), else this process alone. Data-parallel training (train/trainer.h) and distributed
// studies (train/compare.h) see only ranks, sums, gathers and broadcasts; every MPI call of the
// project is in dist/launch_mpi.cpp, behind this interface.
//
// Collectives must be called by every rank, in the same order, or the job waits forever: code
// that runs on some ranks only (rank 0's file writes) never calls one.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace qmf::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool root() const { return rank() == 0; }

  // Element-wise sums over the ranks, in place. Every rank gets the same bits; for one size of
  // job and one input the same bits every time (the order of the additions depends on the size).
  virtual void sum(std::span<double> values) const = 0;
  // Every rank's `value`, in rank order.
  virtual std::vector<uint64_t> gather(uint64_t value) const = 0;
  // Rank `from`'s `text` into `text` on every rank.
  virtual void broadcast(std::string& text, int from = 0) const = 0;
  // Returns once every rank has called it, sleeping meanwhile rather than spinning as MPI's
  // blocking calls do: for ranks that finish their share of a study long before the others.
  virtual void wait_for_all() const = 0;
  // Ends every process of the job now with exit code `code`: for a failure on one rank that the
  // others, waiting in a collective, cannot learn of.
  [[noreturn]] virtual void abort(int code) const = 0;
};

// This process alone: sums and broadcasts leave their input as it is.
const Communicator& one_process();

// The job this process belongs to: the MPI world while a Launch (dist/launch.h) holds it, else
// one_process().
const Communicator& world();

namespace detail {
void set_world(const Communicator* world);  // for Launch; nullptr: one_process() again
}

}  // namespace qmf::dist
