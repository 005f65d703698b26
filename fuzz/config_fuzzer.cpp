// The TOML run configuration: toml++ parsing, then every key and value rule of the schema.
#include "fuzz_support.h"
#include "train/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::parse_config(qmf::fuzz::as_text(data, size), "fuzz.toml"); });
  return 0;
}
