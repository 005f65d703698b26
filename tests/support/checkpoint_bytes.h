#pragma once
// A checkpoint file taken apart and put back together, for tests that need a file that is valid
// in every way but one (another version, a changed header): the CRC-32 is recomputed, so the
// reader gets past its checksum to the check under test.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

namespace qmf::testing {

// Replaces the trailing CRC-32 by the right one for the bytes before it.
inline std::string with_fixed_crc(std::string bytes) {
  const auto crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size() - 4)));
  std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  return bytes;
}

// The file's parts: magic | u32 version | u64 header size | header | payload | crc.
struct CheckpointParts {
  std::string magic;
  uint32_t version = 0;
  nlohmann::json header;
  std::string payload;
};

inline CheckpointParts checkpoint_parts(const std::string& bytes) {
  CheckpointParts p;
  p.magic = bytes.substr(0, 8);
  std::memcpy(&p.version, bytes.data() + 8, 4);
  uint64_t hsize = 0;
  std::memcpy(&hsize, bytes.data() + 12, 8);
  p.header = nlohmann::json::parse(bytes.substr(20, hsize));
  p.payload = bytes.substr(20 + hsize, bytes.size() - 4 - 20 - hsize);
  return p;
}

inline std::string checkpoint_bytes(const CheckpointParts& p) {
  const std::string h = p.header.dump();
  std::string out = p.magic;
  out.append(reinterpret_cast<const char*>(&p.version), 4);
  const uint64_t hsize = h.size();
  out.append(reinterpret_cast<const char*>(&hsize), 8);
  out += h;
  out += p.payload;
  out.append(4, '\0');
  return with_fixed_crc(out);
}

}  // namespace qmf::testing
