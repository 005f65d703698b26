// NumPy .npy arrays: the magic, version, header dictionary and the payload size it implies.
#include "data/formats/npy.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::parse_npy(qmf::fuzz::as_bytes(data, size), "fuzz.npy"); });
  return 0;
}
