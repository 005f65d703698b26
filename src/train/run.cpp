#include "train/run.h"

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <ctime>

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
double from_nullable(const nlohmann::json& j) { return j.is_null() ? std::nan("") : j.get<double>(); }

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
    throw Error(fmt::format("{}: checkpoint has no valid training history: {}", source.string(), e.what()));
  }
  if (static_cast<int>(rows.size()) != ckpt.epochs_done)
    throw Error(fmt::format("{}: checkpoint history has {} epochs, its header {}", source.string(),
                            rows.size(), ckpt.epochs_done));
  return rows;
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
  return {{"model", model.kind()},
          {"view", data.view},
          {"epochs", last.epoch},
          {"test_accuracy", last.test_acc},
          {"test_loss", last.test_loss},
          {"train_seconds", train_seconds},
          {"samples_per_second",
           static_cast<double>(data.train.size() * rows.size()) / train_seconds},
          {"params", {{"classical", counts.classical}, {"quantum", counts.quantum}, {"total", counts.total}}},
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

// Trains epochs (done, config.train.epochs], checkpointing after each.
nlohmann::json run_epochs(const Config& c, const fs::path& dir, const data::Multimodal& data,
                          model::Model& model, nn::Optimizer& optimizer,
                          std::vector<EpochRow> rows, Progress& progress) {
  Eigen::setNbThreads(resolved_threads(c));
  for (int e = static_cast<int>(rows.size()) + 1; e <= c.train.epochs; ++e) {
    rows.push_back(train_epoch(model, optimizer, data, e, c.train.epochs,
                               static_cast<size_t>(c.train.batch), c.train.seed, progress));
    save_checkpoint(dir / "checkpoint.qmf",
                    capture(model.kind(), model.arena(), optimizer, e, {{"rows", rows_json(rows)}}));
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
  if (v.starts_with("mnist")) data::fetch("mnist", dir);
  if (v.find("fashion") != std::string::npos) data::fetch("fashion", dir);
  if (v.starts_with("cifar10")) data::fetch("cifar10", dir);
  return data::load_view({.dir = dir,
                          .fsdd = c.data.fsdd,
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

nlohmann::json train_new(const Config& c, const fs::path& dir, Progress& progress) {
  validate(c);
  std::error_code ec;
  if (fs::exists(dir / "config.toml", ec))
    throw UsageError(fmt::format("{} already holds a run; continue it with --resume {} or choose "
                                 "another --out", dir.string(), dir.string()));
  const data::Multimodal data = load_data(c);
  auto model = make_model(c, data);
  auto optimizer = make_optimizer(c);
  Rng rng(c.train.seed);
  model->init(rng);
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("{}: cannot create the run directory: {}", dir.string(), ec.message()));
  write_file_atomic(dir / "config.toml", to_toml(c));
  const auto counts = model->arena().counts();
  progress.finish(fmt::format("{}  |  {}: {} train / {} test samples, {} classes  |  params {} "
                              "classical + {} quantum = {}",
                              model->describe(), data.view, data.train.size(), data.test.size(),
                              data.classes, counts.classical, counts.quantum, counts.total));
  return run_epochs(c, dir, data, *model, *optimizer, {}, progress);
}

nlohmann::json train_resume(const fs::path& dir, const std::vector<std::string>& overrides,
                            Progress& progress) {
  Config c = load_config(dir / "config.toml");
  for (const auto& o : overrides) {
    if (override_key(o) != "train.epochs")
      throw UsageError(fmt::format("--set {}: a resumed run only takes train.epochs", o));
    apply_override(c, o);
  }
  const fs::path ckpt_path = dir / "checkpoint.qmf";
  const Checkpoint ckpt = load_checkpoint(ckpt_path);
  auto rows = rows_from(ckpt, ckpt_path);
  if (c.train.epochs < ckpt.epochs_done)
    throw UsageError(fmt::format("train.epochs={}: the run has already trained {} epochs",
                                 c.train.epochs, ckpt.epochs_done));
  const data::Multimodal data = load_data(c);
  auto model = make_model(c, data);
  auto optimizer = make_optimizer(c);
  restore(ckpt, model->kind(), model->arena(), optimizer.get(), ckpt_path);
  write_file_atomic(dir / "config.toml", to_toml(c));
  progress.finish(fmt::format("resuming {} after epoch {} of {}", dir.string(), ckpt.epochs_done,
                              c.train.epochs));
  return run_epochs(c, dir, data, *model, *optimizer, std::move(rows), progress);
}

}  // namespace qmf::train
