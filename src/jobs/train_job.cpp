#include "jobs/train_job.h"

#include <cstdio>

#include "core/error.h"
#include "dist/communicator.h"
#include "report/run_figures.h"
#include "train/run.h"

namespace qmf::jobs {

void draw_run_figures(const std::filesystem::path& dir) {
  try {
    report::write_run_figures(dir);
  } catch (const Error& e) {
    const std::string why = e.what();
    std::fprintf(stderr, "qmf: note: no figures (curves.png, confusion.png): %s\n",
                 why.substr(0, why.find('\n')).c_str());
  }
}

TrainedDir train(const Config& config, const std::string& out, train::Progress& progress) {
  const dist::Communicator& ranks = dist::world();
  TrainedDir done;
  if (out.empty()) {
    train::NewRun run = train::train_new_under_runs(config, progress, ranks);
    done = {std::move(run.dir), std::move(run.summary)};
  } else {
    done = {out, train::train_new(config, out, progress, ranks)};
  }
  if (ranks.root()) draw_run_figures(done.dir);
  return done;
}

TrainedDir resume(const std::filesystem::path& dir, const std::vector<std::string>& sets,
                  train::Progress& progress) {
  const dist::Communicator& ranks = dist::world();
  TrainedDir done{dir, train::train_resume(dir, sets, progress, ranks)};
  if (ranks.root()) draw_run_figures(dir);
  return done;
}

}  // namespace qmf::jobs
