#include <charconv>
#include <cstdlib>
#include <string_view>

#include "dist/launch.h"

namespace qmf::dist::detail {
namespace {

int number_in(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return 0;
  const std::string_view s(text);
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() ? value : 0;
}

}  // namespace

bool started_by_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

int launcher_job_size() {
  if (const int n = number_in("OMPI_COMM_WORLD_SIZE")) return n;
  return number_in("PMI_SIZE");
}

}  // namespace qmf::dist::detail
