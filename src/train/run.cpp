#include "train/run.h"

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <ctime>
#include <utility>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fetch.h"
#include "data/views.h"
#include "sim/isa.h"
#include "train/checkpoint.h"
#include "train/model_factory.h"
#include "train/trainer.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

std::string metrics_csv(const std::vector<EpochRow>& rows) {
  // The validation columns stay empty when the run holds no validation split.
  std::string s = "epoch,train_loss,train_acc,test_loss,test_acc,seconds,val_loss,val_acc\n";
  for (const auto& r : rows) {
    s += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{:.3f},", r.epoch, r.train_loss, r.train_acc,
                     r.test_loss, r.test_acc, r.seconds);
    s += std::isnan(r.val_acc) ? ",\n" : fmt::format("{:.6f},{:.6f}\n", r.val_loss, r.val_acc);
  }
  return s;
}

nlohmann::json nullable(double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); }
double from_nullable(const nlohmann::json& j) {
  return j.is_null() ? std::nan("") : j.get<double>();
}

nlohmann::json rows_json(const std::vector<EpochRow>& rows) {
  auto j = nlohmann::json::array();
  for (const auto& r : rows)
    j.push_back({r.epoch, r.train_loss, r.train_acc, r.test_loss, r.test_acc, r.seconds,
                 r.train_seconds, nullable(r.val_loss), nullable(r.val_acc)});
  return j;
}

std::vector<EpochRow> rows_from(const Checkpoint& ckpt, const fs::path& source) {
  std::vector<EpochRow> rows;
  try {
    for (const auto& r : ckpt.extra.at("rows"))
      rows.push_back({r.at(0).get<int>(), r.at(1).get<double>(), r.at(2).get<double>(),
                      r.at(3).get<double>(), r.at(4).get<double>(), r.at(5).get<double>(),
                      r.at(6).get<double>(), from_nullable(r.at(7)), from_nullable(r.at(8))});
  } catch (const nlohmann::json::exception& e) {
    throw Error(
        fmt::format("{}: checkpoint has no valid training history: {}", source.string(), e.what()));
  }
  if (static_cast<int>(rows.size()) != ckpt.epochs_done)
    throw Error(fmt::format("{}: checkpoint history has {} epochs, its header {}", source.string(),
                            rows.size(), ckpt.epochs_done));
  return rows;
}

// The files of a run directory, in the order a run first writes them (see run.h).
constexpr const char* kRunFiles[] = {"config.toml", "checkpoint.qmf", "metrics.csv",
                                     "summary.json"};

// A write killed before its rename leaves "<file>.tmp-<pid>" beside the file; nothing reads it.
void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const char* file : kRunFiles)
      if (name.starts_with(std::string(file) + ".tmp-")) fs::remove(entry.path(), ec);
  }
}

// The keys a resumed run may change: neither alters what the epochs already trained were.
bool resumable_override(const std::string& key) {
  return key == "train.epochs" || key == "train.checkpoint_every";
}

// "train.epochs=5" and " train.epochs = 5" alike: the key is what stands before '='.
std::string override_key(const std::string& assignment) {
  const auto eq = assignment.find('=');
  std::string key = assignment.substr(0, eq);
  key.erase(0, key.find_first_not_of(" \t"));
  key.erase(key.find_last_not_of(" \t") + 1);
  return key;
}

nlohmann::json summary(const Config& c, const data::Multimodal& data, const model::Model& model,
                       const std::vector<EpochRow>& rows) {
  double train_seconds = 0;
  for (const auto& r : rows) train_seconds += r.train_seconds;
  const auto counts = model.arena().counts();
  const EpochRow& last = rows.back();
  return {
      {"model", model.kind()},
      {"view", data.view},
      {"epochs", last.epoch},
      {"test_accuracy", last.test_acc},
      {"test_loss", last.test_loss},
      {"train_seconds", train_seconds},
      {"samples_per_second", static_cast<double>(data.train.size() * rows.size()) / train_seconds},
      {"params",
       {{"classical", counts.classical}, {"quantum", counts.quantum}, {"total", counts.total}}},
      {"qubits", model.qubits()},
      {"seed", c.train.seed},
      {"threads", resolved_threads(c)},
      {"precision", std::string(name_of(c.sim.precision))},
      {"isa", std::string(sim::isa_name(sim::best_isa()))},
      {"validation_accuracy", nullable(last.val_acc)},
      {"validation_loss", nullable(last.val_loss)},
      {"train_samples", data.train.size()},
      {"validation_samples", data.validation.size()},
      {"test_samples", data.test.size()},
      {"structure", model.describe()}};
}

// Trains epochs (done, config.train.epochs], continuing the first from `partial`, with a
// checkpoint every train.checkpoint_every steps and after each epoch (write order: run.h).
nlohmann::json run_epochs(const Config& c, const fs::path& dir, const data::Multimodal& data,
                          model::Model& model, nn::Optimizer& optimizer, std::vector<EpochRow> rows,
                          EpochProgress partial, Progress& progress) {
  Eigen::setNbThreads(resolved_threads(c));
  // A run killed between its checkpoint and metrics.csv left the file an epoch behind.
  if (!rows.empty()) write_file_atomic(dir / "metrics.csv", metrics_csv(rows));
  const auto save = [&](int epochs_done, const EpochProgress& p) {
    save_checkpoint(dir / "checkpoint.qmf", capture(model.kind(), model.arena(), optimizer,
                                                    epochs_done, {{"rows", rows_json(rows)}}, p));
  };
  const auto every = static_cast<uint64_t>(c.train.checkpoint_every);
  for (int e = static_cast<int>(rows.size()) + 1; e <= c.train.epochs; ++e) {
    const StepHook checkpoint_inside_epoch = [&](const EpochProgress& p) {
      if (every > 0 && p.steps % every == 0) save(e - 1, p);
    };
    rows.push_back(train_epoch(model, optimizer, data, e, c.train.epochs,
                               static_cast<size_t>(c.train.batch), c.train.seed, progress,
                               std::exchange(partial, {}), checkpoint_inside_epoch));
    save(e, {});
    write_file_atomic(dir / "metrics.csv", metrics_csv(rows));
  }
  nlohmann::json s = summary(c, data, model, rows);
  write_file_atomic(dir / "summary.json", s.dump(2) + "\n");
  return s;
}

}  // namespace

data::Multimodal load_data(const Config& c) {
  const fs::path dir = c.data.dir.empty() ? data::default_data_dir() : fs::path(c.data.dir);
  const std::string& v = c.data.view;
  // View files reads only the user's directory: there is nothing to fetch.
  if (v != "files") {
    if (v.starts_with("mnist")) data::fetch("mnist", dir);
    if (v.find("fashion") != std::string::npos) data::fetch("fashion", dir);
    if (v.starts_with("cifar10")) data::fetch("cifar10", dir);
  }
  return data::load_view({.dir = dir,
                          .fsdd = c.data.fsdd,
                          .files = c.data.files,
                          .view = v,
                          .train_limit = c.data.train_limit,
                          .test_limit = c.data.test_limit,
                          .pool = c.data.pool,
                          .standardize = c.data.standardize,
                          .validation = c.data.validation,
                          .classes = c.data.classes,
                          .modalities = c.data.modalities,
                          .corrupt = {.modality = c.data.corrupt_modality,
                                      .kind = c.data.corrupt_kind,
                                      .fraction = c.data.corrupt_fraction,
                                      .sigma = c.data.corrupt_sigma},
                          .seed = c.train.seed});
}

fs::path default_run_dir(const Config& c) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::string view = c.data.view;
  for (char& ch : view)
    if (ch == '/' || ch == '+') ch = '-';
  fs::path dir = fs::path("runs") / fmt::format("{}-{}-{}", stamp, c.model.kind, view);
  for (int i = 2; fs::exists(dir); ++i) dir = dir.string() + fmt::format("-{}", i);
  return dir;
}

namespace {

// A model initialised from the seed, trained from the first epoch; config.toml goes first.
nlohmann::json start_run(const Config& c, const fs::path& dir, Progress& progress) {
  std::error_code ec;
  const data::Multimodal data = load_data(c);
  auto model = make_model(c, data);
  auto optimizer = make_optimizer(c);
  Rng rng(c.train.seed);
  model->init(rng);
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(fmt::format("{}: cannot create the run directory: {}", dir.string(), ec.message()));
  remove_stale_temporaries(dir);  // of a start killed before config.toml was in place
  write_file_atomic(dir / "config.toml", to_toml(c));
  const auto counts = model->arena().counts();
  progress.finish(
      fmt::format("{}  |  {}: {} train / {} test samples, {} classes  |  params {} "
                  "classical + {} quantum = {}",
                  model->describe(), data.view, data.train.size(), data.test.size(), data.classes,
                  counts.classical, counts.quantum, counts.total));
  return run_epochs(c, dir, data, *model, *optimizer, {}, {}, progress);
}

// The directory has config.toml but no checkpoint: the run was stopped before its first
// checkpoint, so it has nothing worth keeping, and starting again from the seed gives exactly
// the run it would have been. Metrics or a summary without a checkpoint mean the state was lost
// some other way (our write order never leaves that), which is an error.
nlohmann::json restart_run(const Config& c, const fs::path& dir, Progress& progress) {
  std::error_code ec;
  for (const char* file : {"metrics.csv", "summary.json"})
    if (fs::exists(dir / file, ec))
      throw Error(
          fmt::format("{}: checkpoint.qmf is missing but {} is there: the run's trained "
                      "state is lost and it cannot be resumed; start a new run",
                      dir.string(), file));
  progress.finish(
      fmt::format("{} has no checkpoint yet (the run stopped before its first): "
                  "starting it again from the beginning",
                  dir.string()));
  return start_run(c, dir, progress);
}

// True when `dir` holds anything but the temporaries a killed qmf leaves.
bool holds_other_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (!is_atomic_temporary(entry.path())) return true;
  return false;
}

}  // namespace

nlohmann::json train_new(const Config& c, const fs::path& dir, Progress& progress) {
  validate(c);
  std::error_code ec;
  if (fs::exists(dir / "config.toml", ec))
    throw UsageError(
        fmt::format("{} already holds a run; continue it with --resume {} or choose "
                    "another --out",
                    dir.string(), dir.string()));
  // A run's files would be mixed in among the user's own (--out . or --out ~ by mistake).
  if (holds_other_files(dir))
    throw UsageError(
        fmt::format("--out {}: the directory holds other files; a new run needs a "
                    "directory of its own (new or empty)",
                    dir.string()));
  return start_run(c, dir, progress);
}

nlohmann::json train_resume(const fs::path& dir, const std::vector<std::string>& overrides,
                            Progress& progress) {
  std::error_code ec;
  if (!fs::exists(dir / "config.toml", ec))
    throw Error(
        fmt::format("{}: no config.toml, so there is no run to resume (not a run "
                    "directory, or a run stopped before it began); start one with "
                    "qmf train --out {}",
                    dir.string(), dir.string()));
  Config c = load_config(dir / "config.toml");
  for (const auto& o : overrides) {
    if (!resumable_override(override_key(o)))
      throw UsageError(fmt::format(
          "--set {}: a resumed run only takes train.epochs and train.checkpoint_every", o));
    apply_override(c, o);
  }
  remove_stale_temporaries(dir);
  const fs::path ckpt_path = dir / "checkpoint.qmf";
  if (!fs::exists(ckpt_path, ec)) return restart_run(c, dir, progress);
  const Checkpoint ckpt = load_checkpoint(ckpt_path);
  auto rows = rows_from(ckpt, ckpt_path);
  if (c.train.epochs < ckpt.epochs_done)
    throw UsageError(fmt::format("train.epochs={}: the run has already trained {} epochs",
                                 c.train.epochs, ckpt.epochs_done));
  const bool inside_epoch = ckpt.partial.steps > 0;
  if (inside_epoch && c.train.epochs == ckpt.epochs_done)
    throw UsageError(fmt::format("train.epochs={}: the run is already inside epoch {}",
                                 c.train.epochs, ckpt.epochs_done + 1));
  const data::Multimodal data = load_data(c);
  auto model = make_model(c, data);
  auto optimizer = make_optimizer(c);
  restore(ckpt, model->kind(), model->arena(), optimizer.get(), ckpt_path);
  write_file_atomic(dir / "config.toml", to_toml(c));
  progress.finish(inside_epoch
                      ? fmt::format("resuming {} in epoch {} of {}, after step {}", dir.string(),
                                    ckpt.epochs_done + 1, c.train.epochs, ckpt.partial.steps)
                      : fmt::format("resuming {} after epoch {} of {}", dir.string(),
                                    ckpt.epochs_done, c.train.epochs));
  return run_epochs(c, dir, data, *model, *optimizer, std::move(rows), ckpt.partial, progress);
}

}  // namespace qmf::train
