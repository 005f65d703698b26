// PNG decoding through libpng, with our checks on the image type around it.
#include "data/formats/png.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::decode_png_rgb(qmf::fuzz::as_bytes(data, size), "fuzz.png"); });
  return 0;
}
