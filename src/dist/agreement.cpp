#include "dist/agreement.h"

#include <signal.h>

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/failure.h"
#include "core/interrupt.h"

namespace qmf::dist {

void agree(const Communicator& comm, const std::function<void()>& work, bool root_only) {
  if (comm.size() == 1) {
    work();
    return;
  }
  Failure mine{.text = {}, .code = 0};
  if (!root_only || comm.root()) {
    try {
      work();
    } catch (...) {
      mine = failure_of(std::current_exception());
    }
  }
  const std::vector<uint64_t> codes = comm.gather(static_cast<uint64_t>(mine.code));
  const auto first = std::find_if(codes.begin(), codes.end(), [](uint64_t c) { return c != 0; });
  if (first == codes.end()) return;
  const int from = static_cast<int>(first - codes.begin());
  std::string text = mine.text;
  comm.broadcast(text, from);
  const bool everywhere = std::count(codes.begin(), codes.end(), 0) == 0;
  throw AgreedFailure(everywhere ? text : with_rank(text, from, comm.size()),
                      static_cast<int>(*first));
}

void on_every_rank(const Communicator& comm, const std::function<void()>& check) {
  if (comm.size() == 1) {
    check();
    return;
  }
  try {
    check();
  } catch (const AgreedFailure&) {
    throw;
  } catch (...) {
    const Failure f = failure_of(std::current_exception());
    throw AgreedFailure(f.text, f.code);
  }
}

std::string with_rank(const std::string& text, int rank, int size) {
  const std::string where = fmt::format("rank {} of {}: ", rank, size);
  for (const std::string_view lead : {"error: ", "internal error: "})
    if (text.starts_with(lead)) return std::string(lead) + where + text.substr(lead.size());
  return where + text;
}

uint64_t fingerprint(std::span<const double> values) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (double v : values) {
    unsigned char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    for (unsigned char b : bytes) hash = (hash ^ b) * 0x100000001b3ULL;
  }
  return hash;
}

std::optional<std::string> divergence(const std::vector<uint64_t>& fingerprints) {
  std::vector<size_t> differ;
  for (size_t r = 1; r < fingerprints.size(); ++r)
    if (fingerprints[r] != fingerprints[0]) differ.push_back(r);
  if (differ.empty()) return std::nullopt;
  return fmt::format("the parameters of rank{} {} differ from rank 0's",
                     differ.size() > 1 ? "s" : "", fmt::join(differ, ", "));
}

void check_same_everywhere(const Communicator& comm, std::span<const double> values,
                           const std::string& when) {
  if (comm.size() == 1) return;
  const auto differs = divergence(comm.gather(fingerprint(values)));
  if (!differs) return;
  throw AgreedFailure(
      fmt::format("error: {} {}: the ranks no longer train one model (their sums of the "
                  "gradients disagreed); the last checkpoint holds rank 0's state from before",
                  when, *differs),
      1);
}

void vote_stop(int signal, std::span<double, 2> votes) {
  votes[0] = signal == SIGTERM ? 1 : 0;
  votes[1] = signal != 0 && signal != SIGTERM ? 1 : 0;
}

int agreed_signal(std::span<const double, 2> votes) {
  if (votes[0] > 0) return SIGTERM;
  return votes[1] > 0 ? SIGINT : 0;
}

int agreed_interrupt(const Communicator& comm) {
  const int mine = interrupt_signal();
  if (comm.size() == 1) return mine;
  std::array<double, 2> votes{};
  vote_stop(mine, votes);
  comm.sum(votes);
  return agreed_signal(votes);
}

}  // namespace qmf::dist
