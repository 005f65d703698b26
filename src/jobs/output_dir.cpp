#include "jobs/output_dir.h"

#include <fmt/format.h>

#include "core/error.h"

namespace qmf::jobs {

void check_replaceable(const std::filesystem::path& out, std::string_view marker,
                       std::string_view what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(out, ec)) return;
  if (!fs::is_directory(out, ec))
    throw UsageError(fmt::format("--out {}: exists and is not a directory", out.string()));
  if (!fs::is_empty(out, ec) && !fs::exists(out / marker, ec))
    throw UsageError(
        fmt::format("--out {}: exists and holds something other than an earlier "
                    "{} (no {}); it would be replaced whole",
                    out.string(), what, marker));
}

}  // namespace qmf::jobs
