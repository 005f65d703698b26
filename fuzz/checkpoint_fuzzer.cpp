// Checkpoints. A random mutation almost never keeps the trailing CRC-32 right, so most inputs
// would stop at the checksum; each input is therefore read twice: as it is, and with the CRC
// that makes it pass appended, so the fuzzer reaches the version, header and payload checks.
#include <zlib.h>

#include <cstring>
#include <string>

#include "fuzz_support.h"
#include "train/checkpoint.h"

namespace {

std::string with_valid_crc(std::string_view body) {
  const auto crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  std::string bytes(body);
  char tail[sizeof crc];
  std::memcpy(tail, &crc, sizeof crc);  // little-endian host, as save_checkpoint writes it
  bytes.append(tail, sizeof tail);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = qmf::fuzz::as_text(data, size);
  qmf::fuzz::expect_value_or_error([&] { qmf::train::parse_checkpoint(input, "fuzz.qmf"); });
  const std::string fixed = with_valid_crc(input);
  qmf::fuzz::expect_value_or_error([&] { qmf::train::parse_checkpoint(fixed, "fuzz.qmf"); });
  return 0;
}
