#pragma once
// Whether a file is a whole PNG image: the signature at the start and the IEND chunk at the end
// (a figure cut short lacks the end).
#include <filesystem>
#include <string>
#include <string_view>

#include "support/train_support.h"

namespace qmf::testing {

inline bool is_complete_png(const std::filesystem::path& file) {
  static constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
  static constexpr std::string_view kEnd("\0\0\0\0IEND\xae\x42\x60\x82", 12);
  if (!std::filesystem::is_regular_file(file)) return false;
  const std::string bytes = slurp(file);
  return bytes.starts_with(kSignature) && bytes.ends_with(kEnd);
}

}  // namespace qmf::testing
