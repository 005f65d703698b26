#include "core/error.h"

namespace qmf {

void check_failed(const char* expr, const std::string& message, const char* file, int line) {
  throw std::logic_error(fmt::format("{}:{}: check '{}' failed: {}", file, line, expr, message));
}

}  // namespace qmf
