#pragma once
// Ctrl-C (SIGINT) and kill (SIGTERM) as requests to stop: while InterruptHandlers is alive they
// only record that they arrived, and long work (training) checks interrupt_signal() at points
// where it can save its place, then throws Interrupted. A second signal while it saves just
// records the request again.
#include <signal.h>

#include <string>

#include "core/error.h"

namespace qmf {

class InterruptHandlers {
 public:
  InterruptHandlers();   // installs the handlers, clears any earlier request
  ~InterruptHandlers();  // puts the previous handlers back
  InterruptHandlers(const InterruptHandlers&) = delete;
  InterruptHandlers& operator=(const InterruptHandlers&) = delete;

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

// The signal that asked the process to stop (SIGINT or SIGTERM), 0 when none has.
int interrupt_signal();

// "SIGINT", "SIGTERM".
std::string signal_name(int signal);

// Work that stopped on request, its place saved; the message says where and how to go on. The
// process should exit with exit_code(), 128 + the signal, as a shell reports a signalled command.
class Interrupted : public Error {
 public:
  Interrupted(const std::string& message, int signal) : Error(message), signal_(signal) {}
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

}  // namespace qmf
