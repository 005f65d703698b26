#pragma once
// Files for the tests to read back, written byte for byte, parent directories made as needed.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string_view>

namespace qmf::testing {

inline void write_bytes(const std::filesystem::path& file, std::span<const uint8_t> bytes) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// Bytes held in a string: a checkpoint cut short, a text file.
inline void write_bytes(const std::filesystem::path& file, std::string_view bytes) {
  write_bytes(file, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

inline void write_text(const std::filesystem::path& file, std::string_view text) {
  write_bytes(file, text);
}

}  // namespace qmf::testing
