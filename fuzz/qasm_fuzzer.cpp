// The OpenQASM 2/3 reader, whose contract is "qmf::Error, never anything worse".
#include "export/qasm_reader.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::exporter::read_qasm(qmf::fuzz::as_text(data, size), "fuzz.qasm"); });
  return 0;
}
