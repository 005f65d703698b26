#include "core/interrupt.h"

#include <atomic>
#include <cstring>

namespace qmf {
namespace {

std::atomic<int> requested{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");

extern "C" void record_signal(int signal) { requested.store(signal, std::memory_order_relaxed); }

}  // namespace

InterruptHandlers::InterruptHandlers() {
  requested.store(0, std::memory_order_relaxed);
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking read (data loading) fails with EINTR rather than holding up the
  // stop; writes that must complete retry on EINTR (write_file_atomic).
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
}

InterruptHandlers::~InterruptHandlers() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
}

int interrupt_signal() { return requested.load(std::memory_order_relaxed); }

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return fmt::format("signal {}", signal);
  }
}

}  // namespace qmf
