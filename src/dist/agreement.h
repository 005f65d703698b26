#pragma once
// How the ranks of a job fail together. A failure that every rank reaches at the same point (a
// bad setting, a diverged step, a stop that all of them agreed on) is an AgreedFailure: rank 0
// reports it once and every rank exits with its code, cleanly. Any other failure belongs to one
// rank, which the others, waiting in a collective, cannot learn of: main() reports it naming the
// rank and ends the whole job (Communicator::abort), so a job never hangs on a dead rank.
//
// With one process all of this is transparent: work runs as it would, its exceptions unchanged.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "dist/communicator.h"

namespace qmf::dist {

// Thrown on every rank of a job; what() is the text after "qmf: " (core/failure.h).
class AgreedFailure : public Error {
 public:
  AgreedFailure(const std::string& text, int code) : Error(text), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// Runs `work` on every rank (or, `root_only`, on rank 0 alone) and then agrees on the outcome:
// if it failed anywhere, every rank throws the AgreedFailure of the lowest failing rank, whose
// text names that rank unless every rank failed. The validation and loading before a job's work
// go through here, so a bad file on one rank ends the job before any rank trains.
void agree(const Communicator& comm, const std::function<void()>& work, bool root_only = false);

// Runs a check whose inputs every rank shares (the summed gradients, the agreed stop): its
// failure is the same on every rank, so it is rethrown as an AgreedFailure on a job of several.
void on_every_rank(const Communicator& comm, const std::function<void()>& check);

// "error: X" as rank `rank` of `size` reports it: "error: rank 1 of 4: X".
std::string with_rank(const std::string& text, int rank, int size);

// A cheap fingerprint of a parameter vector (FNV-1a over its bytes).
uint64_t fingerprint(std::span<const double> values);
// The ranks whose fingerprint differs from rank 0's, as a message; nothing when all agree.
std::optional<std::string> divergence(const std::vector<uint64_t>& fingerprints);
// Compares `values` across the ranks; an AgreedFailure naming `when` and the ranks that differ
// if they are not the same everywhere (the ranks no longer train one model).
void check_same_everywhere(const Communicator& comm, std::span<const double> values,
                           const std::string& when);

// A stop request (SIGINT or SIGTERM, core/interrupt.h) as two numbers to sum with a step's other
// figures, so that every rank stops at the same step; agreed_signal reads the sums back
// (SIGTERM before SIGINT; 0 when no rank was asked to stop).
void vote_stop(int signal, std::span<double, 2> votes);
int agreed_signal(std::span<const double, 2> votes);
// This rank's interrupt_signal(), agreed across the ranks (one small collective).
int agreed_interrupt(const Communicator& comm);

}  // namespace qmf::dist
