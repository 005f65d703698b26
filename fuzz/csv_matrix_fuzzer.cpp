// Numeric CSV matrices: fields, numbers, ragged rows.
#include "data/formats/csv_matrix.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::parse_csv_matrix(qmf::fuzz::as_text(data, size), "fuzz.csv"); });
  return 0;
}
