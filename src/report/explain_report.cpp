#include "report/explain_report.h"

#include <algorithm>

#include "core/atomic_file.h"

namespace qmf::report {

ExplainReport make_explain_report(const explain::Explanation& e, ExplainContext context) {
  return {e, explain::summarise(e), explain::entropy_histograms(e), std::move(context)};
}

std::vector<data::Features> leading_inputs(const data::Split& split, size_t count) {
  std::vector<data::Features> rows;
  for (const data::Features& x : split.x)
    rows.emplace_back(x.topRows(static_cast<Eigen::Index>(std::min<size_t>(count, x.rows()))));
  return rows;
}

void write_explain_report(const std::filesystem::path& dir, const ExplainReport& r) {
  write_file_atomic(dir / "explain.json", explain_json(r).dump(2) + "\n");
  write_file_atomic(dir / "explain.csv", explain_csv(r));
  write_explain_figures(dir, r);
  write_file_atomic(dir / "explain.md", explain_markdown(r));
}

}  // namespace qmf::report
