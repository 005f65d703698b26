// IDX label files; max_label 9 as for the ten-class datasets.
#include "data/formats/idx.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::parse_idx_labels(qmf::fuzz::as_bytes(data, size), "fuzz.idx1", 9); });
  return 0;
}
