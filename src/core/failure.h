#pragma once
// What a failed command says and the exit code it ends with, from the exception that ended it:
// the one table main() and a job spread over several processes (dist/agreement.h) both use.
#include <exception>
#include <string>

namespace qmf {

struct Failure {
  std::string text;  // what follows "qmf: " on stderr ("error: ...", or a stop's own message)
  int code = 1;      // 2 usage, 1 runtime, 128 + signal for a run stopped by SIGINT or SIGTERM
};

// Interrupted -> its message and 128 + signal; UsageError -> "error: ...", 2; Error and
// std::bad_alloc (with what to lower) -> "error: ...", 1; any other std::exception -> "internal
// error: ...", 1.
Failure failure_of(const std::exception_ptr& thrown);

}  // namespace qmf
