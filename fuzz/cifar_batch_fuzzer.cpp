// CIFAR-10 binary batches (label byte + 3072 pixel bytes per record).
#include "data/formats/cifar.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::parse_cifar_batch(qmf::fuzz::as_bytes(data, size), "fuzz.bin"); });
  return 0;
}
