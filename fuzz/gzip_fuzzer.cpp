// The gzip inflation every data file goes through (plain bytes pass through unchanged).
#include "data/formats/file_bytes.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::decode_file_bytes(qmf::fuzz::as_bytes(data, size), "fuzz.gz"); });
  return 0;
}
