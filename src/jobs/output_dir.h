#pragma once
// The output directories `qmf eval --out` and `qmf explain` replace whole: they must be new,
// empty, or an earlier output of the same job (it holds `marker`), so that a mistyped --out (the
// run itself, a home directory) is never deleted.
#include <filesystem>
#include <string_view>

namespace qmf::jobs {

// Throws UsageError naming `out` otherwise; `what` names the job's output ("evaluation").
void check_replaceable(const std::filesystem::path& out, std::string_view marker,
                       std::string_view what);

}  // namespace qmf::jobs
