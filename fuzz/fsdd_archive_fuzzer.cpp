// The spoken-digit archive: tar (plain or gzip) through libarchive, member names, the WAV
// parser and the spectrogram of every recording, then the split checks.
#include "data/views/fsdd.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qmf::fuzz::expect_value_or_error(
      [&] { qmf::data::load_fsdd_archive(qmf::fuzz::as_bytes(data, size), "fuzz.tar.gz"); });
  return 0;
}
