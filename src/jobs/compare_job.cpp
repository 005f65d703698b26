#include "jobs/compare_job.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "core/error.h"
#include "dist/agreement.h"
#include "jobs/train_job.h"

namespace qmf::jobs {
namespace {

// runs/compare-<time>, made here by an exclusive mkdir: two compares started in the same second
// get -2, -3... instead of sharing one directory.
std::filesystem::path new_default_study_dir() {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  std::error_code ec;
  std::filesystem::create_directories("runs", ec);
  const std::string base = fmt::format("runs/compare-{}", stamp);
  for (int i = 1;; ++i) {
    const std::string dir = i == 1 ? base : fmt::format("{}-{}", base, i);
    if (::mkdir(dir.c_str(), 0777) == 0) return dir;
    if (errno != EEXIST)
      throw Error(
          fmt::format("cannot create the study directory {}: {}", dir, std::strerror(errno)));
  }
}

}  // namespace

StudyResult compare(const train::Study& study, const std::vector<std::string>& sets,
                    const std::string& out, train::Progress& progress) {
  const dist::Communicator& ranks = dist::world();
  StudyResult result;
  std::string study_dir = out;
  dist::agree(
      ranks,
      [&] {
        train::check_study(study, sets);
        if (study_dir.empty()) study_dir = new_default_study_dir().string();
      },
      /*root_only=*/true);
  ranks.broadcast(study_dir);
  result.dir = study_dir;
  result.runs = train::run_study(study, sets, result.dir, progress, ranks);
  if (!ranks.root()) return result;  // rank 0 reports
  for (const train::StudyRun& run : result.runs) {
    const auto dir = train::study_run_dir(result.dir, run.model, run.seed);
    if (!std::filesystem::exists(dir / "curves.png")) draw_run_figures(dir);
  }
  const Config first = train::study_config(study, sets, study.models.front(), 0);
  const std::string title = fmt::format("{}, {} epoch(s)", first.data.view, first.train.epochs);
  report::write_compare_report(result.dir, result.runs, title);
  result.models = report::summarise(result.runs);
  result.markdown = report::compare_markdown(result.models, title);
  return result;
}

}  // namespace qmf::jobs
