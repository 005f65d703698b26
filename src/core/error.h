#pragma once
// One error path for the whole project.
//  * UsageError: the user asked for something invalid (bad flag, config key or value) -> exit 2.
//  * Error:      a runtime failure (bad file, I/O, numerical failure)                -> exit 1.
//  * QMF_CHECK:  misuse of the library by our own code; carries file and line.
// Kernels never throw: everything they rely on is validated before they run.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace qmf {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UsageError : Error {
  using Error::Error;
};

[[noreturn]] void check_failed(const char* expr, const std::string& message, const char* file,
                               int line);

}  // namespace qmf

#define QMF_CHECK(cond, ...)                                                                   \
  do {                                                                                         \
    if (!(cond)) ::qmf::check_failed(#cond, ::fmt::format(__VA_ARGS__), __FILE__, __LINE__); \
  } while (0)
