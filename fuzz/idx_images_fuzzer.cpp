// IDX image files (MNIST, Fashion-MNIST) as they are after inflation.
#include "data/formats/idx.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::parse_idx_images(qmf::fuzz::as_bytes(data, size), "fuzz.idx3"); });
  return 0;
}
