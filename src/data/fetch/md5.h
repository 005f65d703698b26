#pragma once
// MD5 (through OpenSSL), only to compare data files with their published checksums.
#include <cstdint>
#include <span>
#include <string>

namespace qmf::data {

// Lower-case hexadecimal digest.
std::string md5_hex(std::span<const uint8_t> bytes);

}  // namespace qmf::data
