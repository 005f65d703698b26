#pragma once
// One error path for the whole project.
//  * UsageError: the user asked for something invalid (bad flag, config key or value) -> exit 2.
//  * Error:      a runtime failure (bad file, I/O, numerical failure)                -> exit 1.
//  * QMF_CHECK:  misuse of the library by our own code; carries file and line.
// Kernels never throw: everything they rely on is validated before they run.
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace qmf {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UsageError : Error {
  using Error::Error;
};

// A user's value as a message quotes it: whole when short, else its first 60 bytes (never a
// split UTF-8 character) and "... (N bytes)", so a 10 MB mistake does not flood the terminal.
std::string quote_value(std::string_view value);

[[noreturn]] void check_failed(const char* expr, const std::string& message, const char* file,
                               int line);

}  // namespace qmf

#define QMF_CHECK(cond, ...)                                                                 \
  do {                                                                                       \
    if (!(cond)) ::qmf::check_failed(#cond, ::fmt::format(__VA_ARGS__), __FILE__, __LINE__); \
  } while (0)
