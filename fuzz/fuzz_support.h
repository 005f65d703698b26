#pragma once
// What every target shares: the input as a span or as text, and the rule that a qmf::Error
// (UsageError included) is the reader doing its job. Anything else that escapes a target -- a
// std::logic_error from QMF_CHECK, std::bad_alloc, an out_of_range -- is left to terminate the
// run, which libFuzzer records as a crash together with the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "core/error.h"

namespace qmf::fuzz {

inline std::span<const uint8_t> as_bytes(const uint8_t* data, size_t size) { return {data, size}; }

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `parse`, treating a qmf::Error as the expected way to refuse bad input. With
// QMF_FUZZ_VERBOSE=1 in the environment the refusal is printed, to check that the seeds are
// accepted (run a target on its corpus files) or to see why a given input is refused.
template <typename Parse>
void expect_value_or_error(Parse&& parse) {
  static const bool verbose = std::getenv("QMF_FUZZ_VERBOSE") != nullptr;
  try {
    parse();
    if (verbose) std::fprintf(stderr, "accepted\n");
  } catch (const qmf::Error& e) {
    if (verbose) std::fprintf(stderr, "refused: %s\n", e.what());
  }
}

}  // namespace qmf::fuzz
