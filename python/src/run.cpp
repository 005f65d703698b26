// qmf.load_run and Run: a trained run directory loaded once (its config, data and chosen
// checkpoint), then predicted on, evaluated, explained and exported as the CLI's commands do.
#include <pybind11/stl.h>

#include <filesystem>

#include <fmt/format.h>

#include "binding.h"
#include "core/error.h"
#include "data/dataset.h"
#include "jobs/eval_job.h"
#include "jobs/explain_job.h"
#include "jobs/export_job.h"
#include "jobs/predict_job.h"
#include "progress_sink.h"
#include "train/trained_run.h"

namespace qmf::python {
namespace {

namespace fs = std::filesystem;

py::dict predictions_dict(const train::Predictions& p) {
  py::dict d;
  d["predicted"] = to_numpy(p.predicted);
  d["probabilities"] = to_numpy(p.probs);
  return d;
}

class Run {
 public:
  Run(const py::handle& dir, const std::string& checkpoint, const py::handle& sets)
      : dir_(path_text(dir)), sets_(to_sets(sets, "sets")) {
    const auto choice = parse_choice<train::CheckpointChoice>(checkpoint);
    if (!choice)
      throw UsageError(fmt::format("checkpoint: {} is not last or best", quote_value(checkpoint)));
    if (!fs::is_directory(dir_))
      throw UsageError(fmt::format("run_dir: {}: no such directory", dir_.string()));
    py::gil_scoped_release release;
    run_ = train::load_trained(dir_, sets_, "load_run", *choice);
  }

  const train::TrainedRun& run() const { return run_; }
  const fs::path& dir() const { return dir_; }

  py::dict predict(const py::handle& x) const {
    std::vector<long> widths;
    for (const size_t d : run_.data.dims()) widths.push_back(static_cast<long>(d));
    std::vector<data::Features> features;
    for (const nn::Matrix& m : to_matrices(x, "x", widths, "modality"))
      features.emplace_back(m.cast<float>());
    train::Predictions p;
    {
      py::gil_scoped_release release;
      p = jobs::predict_matrices(run_, std::move(features));
    }
    return predictions_dict(p);
  }

  py::dict predict_dir(const py::handle& input) const {
    const fs::path path = path_text(input);
    if (!fs::is_directory(path))
      throw UsageError(fmt::format("input: {}: no such directory", path.string()));
    jobs::NewPredictions p;
    {
      py::gil_scoped_release release;
      p = jobs::predict_files(run_, path);
    }
    py::dict d = predictions_dict(p.predictions);
    if (p.input.labelled) d["labels"] = to_numpy(p.input.split.y);
    return d;
  }

  py::object evaluate(const py::handle& out) const {
    const fs::path dir = optional_path(out);
    jobs::Evaluation e;
    {
      py::gil_scoped_release release;
      e = jobs::evaluate(run_, dir);
    }
    return to_python(e.report);
  }

  py::object explain(const py::handle& out, long samples, bool quiet) const {
    if (samples < 1 || samples > static_cast<long>(jobs::kMaxExplainExamples))
      throw UsageError(
          fmt::format("samples: {}, expected 1 to {}", samples, jobs::kMaxExplainExamples));
    const jobs::ExplainRequest request{.run_dir = dir_,
                                       .out = optional_path(out),
                                       .examples = static_cast<size_t>(samples),
                                       .sets = sets_};
    ProgressSink sink(quiet);
    jobs::Explained e;
    {
      py::gil_scoped_release release;
      e = jobs::explain(run_, request, sink.progress());
    }
    return to_python(e.report);
  }

  py::dict export_sample(long sample, const py::handle& out, const std::string& format,
                         const std::string& bit_order, const py::handle& sidecar) const {
    if (sample < 0)
      throw UsageError(fmt::format("sample: {}, expected an index 0, 1, ...", sample));
    // Without a file the circuit is only returned ("-": the job writes no file), and so is the
    // sidecar unless it is given a file of its own.
    const jobs::ExportRequest request{
        .run_dir = dir_,
        .sample = std::to_string(sample),
        .out = out.is_none() ? fs::path("-") : fs::path(path_text(out)),
        .sidecar = optional_path(sidecar),
        .format = format,
        .bit_order = bit_order};
    jobs::Exported e;
    {
      py::gil_scoped_release release;
      e = jobs::export_sample(run_, request);
    }
    py::dict d;
    d["qasm"] = e.qasm;
    d["sidecar"] = to_python(e.sidecar);
    return d;
  }

  py::dict parameters() const {
    const nn::ParameterArena& arena = run_.model->arena();
    py::dict out;
    const auto& blocks = arena.blocks();
    for (size_t i = 0; i < blocks.size(); ++i) {
      const nn::ParamBlock& b = blocks[i];
      const auto values = arena.values(b.offset, b.size);
      py::array_t<double> a(static_cast<py::ssize_t>(b.size));
      std::copy(values.begin(), values.end(), a.mutable_data());
      // A Linear layer's weight is (out x in) row-major, its bias (the next block) has out.
      const std::string_view name = b.name;
      if (name.ends_with(".weight") && i + 1 < blocks.size() &&
          blocks[i + 1].name.ends_with(".bias") && blocks[i + 1].size > 0) {
        const auto rows = static_cast<py::ssize_t>(blocks[i + 1].size);
        a = a.reshape({rows, static_cast<py::ssize_t>(b.size) / rows});
      }
      out[py::str(b.name)] = a;
    }
    return out;
  }

  py::object config() const {
    return py::module_::import("tomllib").attr("loads")(to_toml(run_.config));
  }

 private:
  fs::path dir_;
  std::vector<std::string> sets_;
  train::TrainedRun run_;
};

}  // namespace

void bind_run(py::module_& m) {
  py::class_<Run>(m, "Run", "A trained run directory, loaded for prediction and inspection.")
      .def("predict", &Run::predict, py::arg("x"),
           "Predictions on one (N, d_m) float32/float64 array per modality, as the run's view "
           "gives them: {predicted: int64 (N,), probabilities: float64 (N, C)}.")
      .def("predict_dir", &Run::predict_dir, py::arg("input"),
           "Predictions on a directory of modality files (`qmf predict --input`); with its "
           "labels file, also labels.")
      .def("evaluate", &Run::evaluate, py::arg("out") = py::none(),
           "The test split's metrics (eval.json) as a dict; with out, also eval.json and "
           "predictions.csv there (`qmf eval --out`).")
      .def("explain", &Run::explain, py::arg("out") = py::none(), py::arg("samples") = 6,
           py::arg("quiet") = false,
           "`qmf explain`: writes the explanation into out (default RUN/explain) and returns "
           "explain.json as a dict.")
      .def("export", &Run::export_sample, py::arg("sample"), py::arg("out") = py::none(),
           py::arg("format") = "qasm3", py::arg("bit_order") = "big-endian",
           py::arg("sidecar") = py::none(),
           "`qmf export`: the circuit of test sample `sample` as OpenQASM. Returns {qasm, "
           "sidecar}; with out, also the file (and its sidecar OUT.json, or at sidecar).")
      .def("parameters", &Run::parameters,
           "The trained parameters by name (\"ffn1.0.weight\", \"circuit\", ...); Linear "
           "weights are (out, in) as torch.nn.Linear's.")
      .def_property_readonly("config", &Run::config, "config.toml as a dict")
      .def_property_readonly("run_dir", [](const Run& r) { return r.dir().string(); })
      .def_property_readonly("kind", [](const Run& r) { return r.run().model->kind(); })
      .def_property_readonly("view", [](const Run& r) { return r.run().data.view; })
      .def_property_readonly("classes", [](const Run& r) { return r.run().data.classes; })
      .def_property_readonly("class_names", [](const Run& r) { return r.run().data.class_names; })
      .def_property_readonly("modality_names",
                             [](const Run& r) { return r.run().data.modality_names; })
      .def_property_readonly("dims", [](const Run& r) { return r.run().data.dims(); })
      .def_property_readonly("epochs_done", [](const Run& r) { return r.run().epochs_done; });
  m.def(
      "load_run",
      [](const py::handle& dir, const std::string& checkpoint, const py::handle& sets) {
        return Run(dir, checkpoint, sets);
      },
      py::arg("run_dir"), py::arg("checkpoint") = "last", py::arg("sets") = py::none(),
      "Load a trained run: checkpoint last (checkpoint.qmf) or best (best.qmf); sets: data.*, "
      "noise.*, sim.shots, sim.seed, sim.trajectories and train.threads overrides, as --set for "
      "qmf eval.");
}

}  // namespace qmf::python
