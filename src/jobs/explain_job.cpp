#include "jobs/explain_job.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "core/error.h"
#include "core/staged_dir.h"
#include "explain/explanation.h"
#include "explain/require_probe.h"
#include "jobs/output_dir.h"
#include "report/explain_report.h"

namespace qmf::jobs {

size_t explain_examples(const std::string& text) {
  size_t n = 0;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || stop != end || ec != std::errc{} || n < 1 || n > kMaxExplainExamples)
    throw UsageError(fmt::format("--samples {}: expected a number of samples from 1 to {}",
                                 quote_value(text), kMaxExplainExamples));
  return n;
}

std::filesystem::path explain_out(const ExplainRequest& request) {
  return request.out.empty() ? request.run_dir / "explain" : request.out;
}

void check_explain_out(const ExplainRequest& request) {
  check_replaceable(explain_out(request), "explain.json", "explanation");
}

Explained explain(const train::TrainedRun& run, const ExplainRequest& request,
                  train::Progress& progress) {
  if (request.examples < 1 || request.examples > kMaxExplainExamples)
    throw UsageError(fmt::format("--samples {}: expected a number of samples from 1 to {}",
                                 request.examples, kMaxExplainExamples));
  Explained done{.report = {}, .table = {}, .out = explain_out(request), .seconds = 0};
  check_explain_out(request);
  // Staged before the work, so an output that cannot be written fails now, not after it.
  StagedDir staged(done.out);
  model::QmfnnProbe& probe = explain::require_probe(run, request.run_dir.string(), "explain");
  if (run.data.test.size() == 0)
    throw Error(fmt::format("the test split of {} is empty: nothing to explain", run.data.view));

  const auto start = std::chrono::steady_clock::now();
  const explain::Explanation e = explain::explain(
      probe, run.data.test, {.batch = 256, .examples = request.examples, .progress = &progress});
  done.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const report::ExplainReport r = report::make_explain_report(
      e, {.run = request.run_dir.string(),
          .model = run.model->describe(),
          .view = run.data.view,
          .modality_names = run.data.modality_names,
          .encoding = probe.spec().settings.encoding,
          .overrides = request.sets,
          .class_names = run.data.class_names,
          .image_shapes = run.data.image_shapes,
          .inputs = report::leading_inputs(run.data.test, request.examples)});
  report::write_explain_report(staged.path(), r);
  staged.commit();
  done.report = report::explain_json(r);
  done.table = report::explain_table(r);
  return done;
}

}  // namespace qmf::jobs
