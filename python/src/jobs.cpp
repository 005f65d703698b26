// The CLI's training jobs as functions: train, resume and compare return what the command
// prints (the summary, the study's table) as Python objects; load_view hands a data view's
// splits to NumPy. Each runs with the GIL released, and stops on Ctrl-C as the command does: the
// run saves its place and KeyboardInterrupt says how to resume it.
#include <pybind11/stl.h>

#include <filesystem>

#include "binding.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "jobs/compare_job.h"
#include "jobs/run_config.h"
#include "jobs/train_job.h"
#include "progress_sink.h"
#include "train/compare.h"
#include "train/run.h"

namespace qmf::python {
namespace {

bool is_path(const py::handle& object) {
  return py::isinstance<py::str>(object) ||
         py::isinstance(object, py::module_::import("os").attr("PathLike"));
}

// Runs job(progress) as the command does: progress on stderr (or nowhere when quiet), the GIL
// released, and Ctrl-C or SIGTERM turned into a checkpoint and Interrupted.
template <typename Job>
auto interruptible(bool quiet, Job job) {
  ProgressSink sink(quiet);
  py::gil_scoped_release release;
  const InterruptHandlers stop_on_request;
  return job(sink.progress());
}

// None: the defaults; a str or path: a TOML file; a dict: the same keys as JSON.
Config config_of(const py::handle& config, const py::handle& sets) {
  const std::vector<std::string> overrides = to_sets(sets, "sets");
  if (config.is_none()) return jobs::resolve_config("", overrides);
  if (is_path(config)) {
    const std::string file = path_text(config);
    if (!std::filesystem::is_regular_file(file))
      throw UsageError(fmt::format("config: {}: no such file", file));
    return jobs::resolve_config(file, overrides);
  }
  if (py::isinstance<py::dict>(config))
    return jobs::config_from_json(to_json(config, "config"), overrides, "config");
  throw UsageError("config: expected None, a TOML file's path or a dict of its keys");
}

py::dict trained(const jobs::TrainedDir& done) {
  py::dict summary = to_python(done.summary);
  summary["run_dir"] = done.dir.string();
  return summary;
}

py::dict train_job(const py::handle& config_arg, const py::handle& out, const py::handle& sets,
                   bool quiet) {
  const Config config = config_of(config_arg, sets);
  const std::string dir = optional_path(out).string();
  return trained(interruptible(
      quiet, [&](train::Progress& progress) { return jobs::train(config, dir, progress); }));
}

py::dict resume_job(const py::handle& dir, const py::handle& sets, bool quiet) {
  const std::string run = path_text(dir);
  if (!std::filesystem::is_directory(run))
    throw UsageError(fmt::format("run_dir: {}: no such directory", run));
  const std::vector<std::string> overrides = to_sets(sets, "sets");
  return trained(interruptible(
      quiet, [&](train::Progress& progress) { return jobs::resume(run, overrides, progress); }));
}

train::Study study_of(const py::handle& study) {
  if (is_path(study)) {
    const std::string file = path_text(study);
    if (!std::filesystem::is_regular_file(file))
      throw UsageError(fmt::format("study: {}: no such file", file));
    return train::load_study(file);
  }
  if (py::isinstance<py::dict>(study))
    return train::parse_study(jobs::json_as_toml(to_json(study, "study"), "study"), "study");
  throw UsageError("study: expected a study file's path or a dict of its keys");
}

py::dict compare_job(const py::handle& study_arg, const py::handle& out, const py::handle& sets,
                     bool quiet) {
  const train::Study study = study_of(study_arg);
  const std::vector<std::string> overrides = to_sets(sets, "sets");
  const std::string dir = optional_path(out).string();
  const jobs::StudyResult result = interruptible(quiet, [&](train::Progress& progress) {
    return jobs::compare(study, overrides, dir, progress);
  });
  py::list models;
  for (const report::ModelSummary& s : result.models) {
    py::dict row;
    row["model"] = s.model;
    row["family"] = s.family;
    row["classical_params"] = s.classical;
    row["quantum_params"] = s.quantum;
    row["params"] = s.total;
    row["mean_test_acc"] = s.mean;
    row["std_test_acc"] = s.std;
    row["best_test_acc"] = s.best;
    row["mean_val_acc"] = s.val_mean;
    row["seconds_per_epoch"] = s.seconds_per_epoch;
    row["seeds"] = s.seeds;
    models.append(row);
  }
  py::dict out_dict;
  out_dict["study_dir"] = result.dir.string();
  out_dict["models"] = models;
  out_dict["table"] = result.markdown;
  return out_dict;
}

py::dict split_dict(const data::Split& split) {
  py::list x;
  for (const data::Features& f : split.x) {
    py::array_t<float> a({f.rows(), f.cols()});
    std::copy(f.data(), f.data() + f.size(), a.mutable_data());
    x.append(a);
  }
  py::dict d;
  d["x"] = x;
  d["y"] = to_numpy(split.y);
  return d;
}

py::dict load_view(const py::handle& config_arg, const py::handle& sets) {
  const Config config = config_of(config_arg, sets);
  data::Multimodal data;
  {
    py::gil_scoped_release release;
    data = train::load_data(config);
  }
  py::dict d;
  d["view"] = data.view;
  d["classes"] = data.classes;
  d["class_names"] = data.class_names;
  d["modality_names"] = data.modality_names;
  py::list shapes;  // (channels, rows, cols) per modality; (1, 1, D) for feature vectors
  for (const ImageShape& s : data.image_shapes)
    shapes.append(py::make_tuple(s.channels, s.rows, s.cols));
  d["shapes"] = shapes;
  d["train"] = split_dict(data.train);
  d["test"] = split_dict(data.test);
  d["validation"] = split_dict(data.validation);
  return d;
}

}  // namespace

void bind_jobs(py::module_& m) {
  m.def("train", &train_job, py::arg("config") = py::none(), py::arg("out") = py::none(),
        py::arg("sets") = py::none(), py::arg("quiet") = false,
        "Train a model as `qmf train` does: config is None (the defaults), a TOML file's path or "
        "a dict of its keys; sets: [\"key=value\", ...]; out: the run directory (None: "
        "runs/<time>-<model>-<view>). Returns summary.json as a dict, with run_dir.");
  m.def("resume", &resume_job, py::arg("run_dir"), py::arg("sets") = py::none(),
        py::arg("quiet") = false,
        "Continue an interrupted run from its last checkpoint (`qmf train --resume`).");
  m.def("compare", &compare_job, py::arg("study"), py::arg("out") = py::none(),
        py::arg("sets") = py::none(), py::arg("quiet") = false,
        "Run a comparison study (`qmf compare`): study is a study file's path or a dict of its "
        "keys. Returns {study_dir, models: [per-model summary], table}.");
  m.def("load_view", &load_view, py::arg("config") = py::none(), py::arg("sets") = py::none(),
        "The data view a config names, as training sees it: {train, test, validation: {x: "
        "[float32 (N, d_m) per modality], y: int64 (N,)}, classes, class_names, "
        "modality_names, view}.");
}

}  // namespace qmf::python
