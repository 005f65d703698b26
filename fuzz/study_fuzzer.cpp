// The study file of `qmf compare` (TOML: seeds, [base], [[models]]), every override checked.
#include "fuzz_support.h"
#include "train/compare.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::train::parse_study(qmf::fuzz::as_text(data, size), "fuzz-study.toml"); });
  return 0;
}
