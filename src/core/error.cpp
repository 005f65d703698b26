#include "core/error.h"

namespace qmf {

std::string quote_value(std::string_view value) {
  constexpr size_t kShown = 60;
  if (value.size() <= kShown) return std::string(value);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{}... ({} bytes)", value.substr(0, cut), value.size());
}

void check_failed(const char* expr, const std::string& message, const char* file, int line) {
  throw std::logic_error(fmt::format("{}:{}: check '{}' failed: {}", file, line, expr, message));
}

}  // namespace qmf
