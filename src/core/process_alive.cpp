#include "core/process_alive.h"

#include <signal.h>

#include <cerrno>

namespace qmf {

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  // Signal 0 checks existence only; EPERM means it exists but belongs to someone else.
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace qmf
