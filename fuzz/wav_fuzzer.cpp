// RIFF/WAVE recordings: the chunk walk and the format checks.
#include "data/formats/wav.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::parse_wav(qmf::fuzz::as_bytes(data, size), "fuzz.wav"); });
  return 0;
}
