#include "train/run.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/ranges.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/parallel.h"
#include "core/run_lock.h"
#include "core/version.h"
#include "data/fetch/fetch.h"
#include "data/views/views.h"
#include "dist/agreement.h"
#include "sim/isa.h"
#include "train/checkpoint.h"
#include "train/early_stopping.h"
#include "train/model_factory.h"
#include "train/run_record.h"
#include "train/trainer.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

std::vector<EpochRow> rows_from(const Checkpoint& ckpt, const fs::path& source) {
  if (!ckpt.extra.contains("rows"))
    throw Error(
        fmt::format("{}: checkpoint has no valid training history: no rows", source.string()));
  std::vector<EpochRow> rows = history_from_json(ckpt.extra["rows"], source);
  if (static_cast<int>(rows.size()) != ckpt.epochs_done)
    throw Error(fmt::format("{}: checkpoint history has {} epochs, its header {}", source.string(),
                            rows.size(), ckpt.epochs_done));
  return rows;
}

// The validation split's best epoch so far, as the checkpoint records it (none without a split).
ValidationBest best_from(const Checkpoint& ckpt, const fs::path& source) {
  return ckpt.extra.contains("validation_best")
             ? validation_best_from_json(ckpt.extra["validation_best"], source)
             : ValidationBest{};
}

// The files of a run directory, in the order a run first writes them (see run.h).
constexpr const char* kRunFiles[] = {"config.toml", "checkpoint.qmf", "best.qmf", "metrics.csv",
                                     "summary.json"};

// What a write killed before its rename left: "<file>.tmp-<pid>" beside one of the run's files,
// its writer dead. Nothing reads it. A user's "checkpoint.qmf.tmp-before-experiment" is not one,
// nor is the temporary of a write still under way.
bool is_leftover(const fs::path& path) {
  const std::string name = path.filename().string();
  for (const char* file : kRunFiles)
    if (name.starts_with(std::string(file) + ".tmp-")) return is_stale_temporary(path);
  return false;
}

void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (is_leftover(entry.path())) fs::remove(entry.path(), ec);
}

// The path as one word of a shell command the user can copy.
std::string shell_word(const std::string& s) {
  constexpr std::string_view kPlain =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+:@%,=";
  if (!s.empty() && s.find_first_not_of(kPlain) == std::string::npos) return s;
  std::string quoted = "'";
  for (char ch : s) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

// Ends a run that SIGINT or SIGTERM asked to stop, at a point `where` whose state is on disk.
[[noreturn]] void stop(int signal, const fs::path& dir, const std::string& where) {
  std::error_code ec;
  const std::string next =
      fs::exists(dir / "config.toml", ec)
          ? fmt::format("continue with: qmf train --resume {}", shell_word(dir.string()))
          : std::string("nothing was saved");
  throw Interrupted(fmt::format("stopped by {} {}; {}", signal_name(signal), where, next), signal);
}

// load_data, which a signal may cut short (a read fails with EINTR): the run stops before it
// trains either way.
data::Multimodal load_data_or_stop(const Config& c, const fs::path& dir, const char* before) {
  const auto stop_if_asked = [&](const char* where) {
    if (const int signal = interrupt_signal()) stop(signal, dir, where);
  };
  try {
    data::Multimodal data = load_data(c);
    stop_if_asked(before);
    return data;
  } catch (const Interrupted&) {
    throw;
  } catch (const Error&) {
    stop_if_asked("while loading the data");
    throw;
  }
}

// Every rank loads the data itself; rank 0 first fetches what is missing, so that ranks sharing
// a file system do not fetch it side by side. A rank that cannot load it (a bad file on its node)
// ends the job before any rank trains, naming the rank.
data::Multimodal load_data_on_every_rank(const Config& c, const fs::path& dir, const char* before,
                                         const dist::Communicator& ranks) {
  data::Multimodal data;
  if (ranks.size() > 1)
    dist::agree(
        ranks, [&] { fetch_data(c); }, /*root_only=*/true);
  dist::agree(ranks, [&] { data = load_data_or_stop(c, dir, before); });
  return data;
}

// The keys a resumed run may change: neither alters what the epochs already trained were.
bool resumable_override(std::string_view key) {
  return key == "train.epochs" || key == "train.checkpoint_every";
}

// The final model is evaluated on the test split once more for its confusion matrix, which the
// epoch rows do not keep (confusion.png draws it).
RunSummary summary(const Config& c, const data::Multimodal& data, model::Model& model,
                   const std::vector<EpochRow>& rows, const dist::Communicator& ranks) {
  double train_seconds = 0;
  for (const auto& r : rows) train_seconds += r.train_seconds;
  const EpochRow& last = rows.back();
  return {
      .model = model.kind(),
      .view = data.view,
      .epochs = last.epoch,
      .test_accuracy = last.test_acc,
      .test_loss = last.test_loss,
      .train_seconds = train_seconds,
      .samples_per_second = static_cast<double>(data.train.size() * rows.size()) / train_seconds,
      .params = model.arena().counts(),
      .qubits = model.qubits(),
      .seed = c.train.seed,
      .threads = resolved_threads(c),
      .precision = std::string(name_of(c.sim.precision)),
      .isa = std::string(qmf::isa_name(qmf::best_isa())),
      .validation_accuracy = last.val_acc,
      .validation_loss = last.val_loss,
      .train_samples = data.train.size(),
      .validation_samples = data.validation.size(),
      .test_samples = data.test.size(),
      .structure = model.describe(),
      .qmf_version = version(),
      .commit = build_commit(),
      .class_names = data.class_names,
      .test_confusion = evaluate(model, data.test, data.classes, ranks).confusion,
      .ranks = ranks.size()};
}

// What the augmentation does to the training images, for the run's first lines.
std::string augment_text(const data::Augmentation& a) {
  if (!a.active()) return "";
  return fmt::format(" (training images shifted up to {} px{})", a.crop_padding,
                     a.flip ? " and mirrored" : "");
}

// The schedule and clipping of every step (docs/TRAINING.md). The schedule counts optimiser steps;
// the cosine one spans the run's train.epochs, each of ceil(train samples / batch) steps.
StepRules step_rules(const Config& c, size_t train_samples) {
  StepRules rules{.clip_norm = c.train.clip_norm,
                  .augment = data::augmentation_for(c.data.augment, c.data.view, c.model.frontend)};
  const TrainConfig& t = c.train;
  if (t.lr_schedule == LrScheduleKind::constant && t.lr_warmup == 0) return rules;
  const auto batch = static_cast<size_t>(t.batch);
  const auto steps_per_epoch = static_cast<uint64_t>((train_samples + batch - 1) / batch);
  rules.schedule = LrSchedule{.kind = t.lr_schedule,
                              .lr = t.lr,
                              .warmup_steps = static_cast<uint64_t>(t.lr_warmup),
                              .step_size = static_cast<uint64_t>(t.lr_step_size),
                              .factor = t.lr_step_factor,
                              .floor = t.lr_floor,
                              .total_steps = static_cast<uint64_t>(t.epochs) * steps_per_epoch};
  return rules;
}

// What the summary and the end of a run say about the validation split's best epoch and early
// stopping, beside the fields of RunSummary.
void add_validation_record(nlohmann::json& s, const Config& c, const ValidationBest& best,
                           bool tracked) {
  s["stopped_early"] = best.stopped_at > 0 ? nlohmann::json(best.stopped_at) : nlohmann::json();
  s["best_checkpoint"] = tracked && best.epoch > 0
                             ? nlohmann::json{{"file", "best.qmf"},
                                              {"epoch", best.epoch},
                                              {"monitor", std::string(name_of(c.train.monitor))},
                                              {"value", best.value}}
                             : nlohmann::json();
}

std::string stopped_early_message(const Config& c, const ValidationBest& best) {
  return fmt::format(
      "stopped early after epoch {} of {}: {} has not improved for {} epochs (train.patience); "
      "best.qmf holds epoch {} ({} {:.4f})",
      best.stopped_at, c.train.epochs, name_of(c.train.monitor), c.train.patience, best.epoch,
      name_of(c.train.monitor), best.value);
}

// Trains epochs (done, config.train.epochs], continuing the first from `partial`, with a
// checkpoint every train.checkpoint_every steps and after each epoch (write order: run.h). The
// checkpoints record the settings they were trained with, which a resume checks, and the
// validation split's best epoch so far; an epoch that improves on it is also written to
// best.qmf. Early stopping ends the run after train.patience epochs without improvement. On
// SIGINT or SIGTERM it saves a checkpoint at the step it is at and stops (Interrupted).
//
// On a job of several ranks every rank trains (trainer.h) and rank 0 alone writes; a stop is
// agreed by all ranks at the same step, and after each epoch the ranks compare their parameters.
nlohmann::json run_epochs(const Config& c, const fs::path& dir, const data::Multimodal& data,
                          model::Model& model, nn::Optimizer& optimizer, std::vector<EpochRow> rows,
                          EpochProgress partial, ValidationBest best, Progress& progress,
                          const dist::Communicator& ranks) {
  use_threads(c);
  const bool writes = ranks.root();
  const auto save_metrics = [&] {
    if (writes) write_file_atomic(dir / "metrics.csv", metrics_csv(rows));
  };
  // A run killed between its checkpoint and metrics.csv left the file an epoch behind.
  if (!rows.empty()) save_metrics();
  const std::string settings = to_toml(c);
  const bool tracked = data.validation.size() > 0;
  const StepRules rules = step_rules(c, data.train.size());
  const auto save = [&](int epochs_done, const EpochProgress& p, bool also_best = false) {
    if (!writes) return;
    nlohmann::json extra = {{"rows", history_json(rows)}, {"config", settings}};
    if (tracked) extra["validation_best"] = to_json(best);
    const Checkpoint ckpt =
        capture(model.kind(), model.arena(), optimizer, epochs_done, std::move(extra), p);
    save_checkpoint(dir / "checkpoint.qmf", ckpt);
    if (also_best) save_checkpoint(dir / "best.qmf", ckpt);
  };
  const auto every = static_cast<uint64_t>(c.train.checkpoint_every);
  if (best.stopped_at > 0) progress.finish(stopped_early_message(c, best));
  for (int e = static_cast<int>(rows.size()) + 1; e <= c.train.epochs && best.stopped_at == 0;
       ++e) {
    const StepHook after_step = [&](const EpochProgress& p, int signal) {
      if (signal) {
        save(e - 1, p);
        save_metrics();
        dist::on_every_rank(ranks, [&] {
          stop(signal, dir,
               fmt::format("in epoch {} of {} after step {}, which the checkpoint holds", e,
                           c.train.epochs, p.steps));
        });
      }
      if (every > 0 && p.steps % every == 0) save(e - 1, p);
    };
    rows.push_back(train_epoch(model, optimizer, data, e, c.train.epochs,
                               static_cast<size_t>(c.train.batch), c.train.seed, progress,
                               std::exchange(partial, {}), after_step, rules, ranks));
    dist::check_same_everywhere(ranks, model.arena().values(), fmt::format("after epoch {}", e));
    const bool improved = tracked && observe(best, c.train.monitor, rows.back());
    // Patience that runs out at the last epoch ends the run where it ends anyway.
    if (e < c.train.epochs && patience_exhausted(best, c.train.patience)) best.stopped_at = e;
    save(e, {}, improved);
    save_metrics();
    if (best.stopped_at > 0) {
      progress.finish(stopped_early_message(c, best));
      break;
    }
    const int signal = dist::agreed_interrupt(ranks);
    if (signal && e < c.train.epochs)
      dist::on_every_rank(ranks, [&] {
        stop(signal, dir,
             fmt::format("after epoch {} of {}, which the checkpoint holds", e, c.train.epochs));
      });
  }
  nlohmann::json s = summary_json(summary(c, data, model, rows, ranks));
  add_validation_record(s, c, best, tracked);
  if (writes) write_file_atomic(dir / "summary.json", s.dump(2) + "\n");
  return s;
}

}  // namespace

namespace {

fs::path data_dir_of(const Config& c) {
  return c.data.dir.empty() ? data::default_data_dir() : fs::path(c.data.dir);
}

}  // namespace

void fetch_data(const Config& c) {
  data::fetch(data::describe_view(c.data.view).sources, data_dir_of(c));
}

data::Multimodal load_data(const Config& c) {
  const fs::path dir = data_dir_of(c);
  data::fetch(data::describe_view(c.data.view).sources, dir);
  data::Multimodal data = data::load_view({.dir = dir,
                                           .fsdd = c.data.fsdd,
                                           .files = c.data.files,
                                           .view = c.data.view,
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
  for (const std::string& warning : data.warnings)
    std::fprintf(stderr, "qmf: warning: %s\n", warning.c_str());
  return data;
}

Config with_absolute_data_paths(Config c) {
  for (std::string* path : {&c.data.dir, &c.data.fsdd, &c.data.files, &c.train.init})
    if (!path->empty()) *path = fs::absolute(*path).lexically_normal().string();
  return c;
}

namespace {

// A run directory this process holds (run_lock.h) while it trains there.
struct Claim {
  fs::path dir;
  DirLock lock;
  bool created;  // by this process: removed again if the run fails before it writes anything
};

// True when `dir` holds anything but our lock file (the claim took over one a dead holder left)
// and the leftovers of killed writes.
bool holds_other_files(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename() != DirLock::kFileName && !is_leftover(entry.path())) return true;
  return false;
}

// --out DIR: a new directory or an existing empty one. Whoever locks it first has it; what it
// holds is checked under the lock, so two runs can never both find it empty.
Claim claim_given(const fs::path& given) {
  const fs::path dir = given.filename().empty() ? given.parent_path() : given;  // "out/"
  std::error_code ec;
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);  // else mkdir says
  const bool created = create_directory_exclusive(dir);
  if (!created && !fs::is_directory(dir, ec))
    throw Error(fmt::format("{}: cannot create the run directory: {}", dir.string(),
                            std::strerror(ENOTDIR)));
  Claim claim{dir, DirLock(dir), created};
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
  return claim;
}

// runs/<time>-<model>-<view>, or the first of <name>-2, -3, ... that no one has: the name is
// taken by creating the directory, which only one of the runs started in the same second can.
Claim claim_under_runs(const Config& c) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::string view = c.data.view;
  for (char& ch : view)
    if (ch == '/' || ch == '+') ch = '-';
  std::error_code ec;
  fs::create_directories("runs", ec);  // else the mkdir below says why
  const std::string base =
      (fs::path("runs") / fmt::format("{}-{}-{}", stamp, c.model.kind, view)).string();
  for (int i = 1;; ++i) {
    const fs::path dir = i == 1 ? fs::path(base) : fs::path(fmt::format("{}-{}", base, i));
    if (create_directory_exclusive(dir)) return {dir, DirLock(dir), true};
  }
}

// The settings rank 0 resolved, on every rank: each rank would otherwise resolve paths against
// its own working directory and "all cores" against its own machine.
Config same_on_every_rank(const Config& c, const dist::Communicator& ranks) {
  if (ranks.size() == 1) return c;
  std::string text = ranks.root() ? to_toml(c) : std::string();
  ranks.broadcast(text);
  return parse_config(text, "the settings of rank 0");
}

// "data parallel on 4 ranks x 2 threads", for a run's header; nothing for one process.
std::string ranks_line(const Config& c, const dist::Communicator& ranks) {
  if (ranks.size() == 1) return "";
  return fmt::format("data parallel on {} ranks x {} thread{}", ranks.size(), c.train.threads,
                     c.train.threads == 1 ? "" : "s");
}

// The model and optimiser every rank builds alike (from the seed, or restored).
struct Trainable {
  std::unique_ptr<model::Model> model;
  std::unique_ptr<nn::Optimizer> optimizer;
};

Trainable make_trainable(const Config& c, const data::Multimodal& data,
                         const dist::Communicator& ranks) {
  Trainable t;
  dist::agree(ranks, [&] {
    t.model = make_model(c, data);
    t.optimizer = make_optimizer(c);
  });
  return t;
}

// train.init: the parameters of another run (its last checkpoint) or of a checkpoint file
// replace the seed's; the optimiser starts fresh. Errors name the key.
void warm_start(const Config& c, model::Model& model) {
  const fs::path given = c.train.init;
  std::error_code ec;
  const fs::path file = fs::is_directory(given, ec) ? given / "checkpoint.qmf" : given;
  try {
    restore(load_checkpoint(file), model.kind(), model.arena(), nullptr, file);
  } catch (const Error& e) {
    throw Error(fmt::format("train.init: {}", e.what()));
  }
}

// A model initialised from the seed (or train.init), trained from the first epoch; config.toml
// goes first.
nlohmann::json start_run(const Config& c, const fs::path& dir, Progress& progress,
                         const dist::Communicator& ranks) {
  const data::Multimodal data = load_data_on_every_rank(c, dir, "before training began", ranks);
  Trainable t = make_trainable(c, data, ranks);
  Rng rng(c.train.seed);
  t.model->init(rng);
  if (!c.train.init.empty()) dist::agree(ranks, [&] { warm_start(c, *t.model); });
  dist::agree(
      ranks,
      [&] {
        remove_stale_temporaries(dir);  // of a start killed before config.toml was in place
        write_file_atomic(dir / "config.toml", to_toml(c));
      },
      /*root_only=*/true);
  const auto counts = t.model->arena().counts();
  const data::Augmentation augment =
      data::augmentation_for(c.data.augment, c.data.view, c.model.frontend);
  progress.finish_fields(
      {t.model->describe(),
       fmt::format("{}: {} train / {} test samples, {} classes{}", data.view, data.train.size(),
                   data.test.size(), data.classes, augment_text(augment)),
       fmt::format("params {} classical + {} quantum = {}", counts.classical, counts.quantum,
                   counts.total),
       ranks_line(c, ranks)},
      "  |  ");
  return run_epochs(c, dir, data, *t.model, *t.optimizer, {}, {}, {}, progress, ranks);
}

// A new run in its claimed directory (`claim`: rank 0's; the other ranks have none). "All cores"
// (train.threads = 0) is stored as the count it means here, since the count is part of what the
// run computes: resumed on another machine, the run stays the same. A directory created for a
// run that fails before writing anything (bad data, a signal while loading) is removed again.
nlohmann::json train_claimed(const Config& config, const fs::path& dir, Claim* claim,
                             Progress& progress, const dist::Communicator& ranks) {
  Config c = with_absolute_data_paths(config);
  c.train.threads = resolved_threads(config);
  try {
    return start_run(same_on_every_rank(c, ranks), dir, progress, ranks);
  } catch (...) {
    std::error_code ec;
    if (claim != nullptr && claim->created && !fs::exists(claim->dir / "config.toml", ec)) {
      claim->lock.release();
      fs::remove(claim->dir, ec);  // only while empty: a failure leaves the directory as it is
    }
    throw;
  }
}

// The directory has config.toml but no checkpoint: the run was stopped before its first
// checkpoint, so it has nothing worth keeping, and starting again from the seed gives exactly
// the run it would have been. Metrics or a summary without a checkpoint mean the state was lost
// some other way (our write order never leaves that), which is an error.
void check_restartable(const fs::path& dir) {
  std::error_code ec;
  for (const char* file : {"metrics.csv", "summary.json"})
    if (fs::exists(dir / file, ec))
      throw Error(
          fmt::format("{}: checkpoint.qmf is missing but {} is there: the run's trained "
                      "state is lost and it cannot be resumed; start a new run",
                      dir.string(), file));
}

// A resume continues the run its checkpoint was trained as: a config.toml edited since would
// carry on under other settings. Checkpoints written before they recorded their settings have
// none to compare with and are taken on trust, as they always were.
void check_trained_settings(const Checkpoint& ckpt, const Config& c, const fs::path& dir) {
  if (!ckpt.extra.contains("config")) return;
  const fs::path ckpt_path = dir / "checkpoint.qmf";
  const nlohmann::json& recorded = ckpt.extra.at("config");
  if (!recorded.is_string())
    throw Error(fmt::format("{}: the recorded settings (\"config\") are not TOML text",
                            ckpt_path.string()));
  const Config trained = parse_config(recorded.get<std::string>(), ckpt_path.string());
  // A checkpoint of another model is not this run's at all: restore() refuses it as such.
  if (trained.model.kind != c.model.kind) return;
  // data.dir and data.fsdd say where the data sets are, not what they are (their files are
  // checked on load): a user who moved them must still be able to resume.
  constexpr std::string_view kResumable[] = {"train.epochs", "train.checkpoint_every", "data.dir",
                                             "data.fsdd"};
  // The cosine schedule spans the run's epochs: another length would change the rates already
  // used for the epochs trained.
  if (trained.train.lr_schedule == LrScheduleKind::cosine && c.train.epochs != trained.train.epochs)
    throw UsageError(fmt::format(
        "train.epochs = {}: the run's cosine schedule (train.lr_schedule) decays over the "
        "train.epochs = {} it was started with, which a resume cannot change",
        c.train.epochs, trained.train.epochs));
  const std::vector<std::string> diff = config_differences(c, trained, kResumable);
  if (diff.empty()) return;
  throw UsageError(fmt::format(
      "{}: the run was trained with other settings ({}; config.toml's value first); put "
      "them back, or start a new run to train with them (a resume may change train.epochs, "
      "train.checkpoint_every, and data.dir or data.fsdd when the data has moved)",
      (dir / "config.toml").string(), fmt::join(diff, ", ")));
}

// A run killed between checkpoint.qmf and best.qmf of an epoch that improved on the best left
// best.qmf an improvement behind (or missing): the checkpoint, taken at the end of that epoch,
// is the best state, so it is written again as best.qmf.
void repair_best(const Checkpoint& ckpt, const ValidationBest& best, const fs::path& dir) {
  if (best.epoch == 0 || best.epoch != ckpt.epochs_done || ckpt.partial.steps > 0) return;
  const fs::path best_path = dir / "best.qmf";
  std::error_code ec;
  if (fs::exists(best_path, ec)) {
    try {
      if (load_checkpoint(best_path).epochs_done == best.epoch) return;
    } catch (const Error&) {  // damaged: replaced below like a missing one
    }
  }
  save_checkpoint(best_path, ckpt);
}

// The thread count is part of what a run computes, so a resume keeps the stored one; on a machine
// with another core count it says so. A run stored as "all cores" (0, before counts were stored)
// keeps this machine's count from now on.
void keep_threads(Config& c, const fs::path& dir, Progress& progress) {
  const int cores = available_threads();
  if (c.train.threads == 0) {
    c.train.threads = cores;
  } else if (c.train.threads != cores) {
    progress.finish(
        fmt::format("{}: this machine has {} cores; the run keeps the train.threads = {} it was "
                    "trained with",
                    dir.string(), cores, c.train.threads));
  }
}

// Trajectories estimate what evaluation reads; they have no gradient estimator.
void check_trainable(const Config& c) {
  validate(c);
  if (c.sim.trajectories > 0)
    throw UsageError(
        "sim.trajectories: trajectories evaluate a model but give no gradients; train on exact "
        "density matrices (sim.trajectories = 0, up to 12 qubits) and evaluate with trajectories: "
        "qmf eval --run DIR --set sim.trajectories=N");
}

}  // namespace

nlohmann::json train_new(const Config& c, const fs::path& dir, Progress& progress,
                         const dist::Communicator& ranks) {
  dist::agree(ranks, [&] { check_trainable(c); });
  std::optional<Claim> claim;
  dist::agree(
      ranks, [&] { claim.emplace(claim_given(dir)); }, /*root_only=*/true);
  return train_claimed(c, dir, claim ? &*claim : nullptr, progress, ranks);
}

NewRun train_new_under_runs(const Config& c, Progress& progress, const dist::Communicator& ranks) {
  dist::agree(ranks, [&] { check_trainable(c); });
  std::optional<Claim> claim;
  dist::agree(
      ranks, [&] { claim.emplace(claim_under_runs(c)); }, /*root_only=*/true);
  std::string dir = claim ? claim->dir.string() : std::string();
  ranks.broadcast(dir);
  NewRun run{dir, {}};
  run.summary = train_claimed(c, dir, claim ? &*claim : nullptr, progress, ranks);
  return run;
}

namespace {

// What a resume continues, as rank 0 finds it in the run directory: the settings and, unless the
// run stopped before its first checkpoint, the checkpoint file's bytes.
struct Resumption {
  Config config;
  std::string checkpoint_bytes;  // empty: no checkpoint yet
  Checkpoint checkpoint;
};

// Rank 0's part of a resume: every check before any work, under the directory's lock.
Resumption find_resumption(const fs::path& dir, const std::vector<std::string>& overrides,
                           Progress& progress) {
  std::error_code ec;
  if (!fs::exists(dir / "config.toml", ec))
    throw Error(
        fmt::format("{}: no config.toml, so there is no run to resume (not a run "
                    "directory, or a run stopped before it began); start one with "
                    "qmf train --out {}",
                    dir.string(), dir.string()));
  Resumption r;
  Config& c = r.config;
  c = load_config(dir / "config.toml");
  const int epochs_before = c.train.epochs;
  for (const auto& o : overrides) {
    if (!resumable_override(override_key(o)))
      throw UsageError(fmt::format(
          "--set {}: a resumed run only takes train.epochs and train.checkpoint_every", o));
    apply_override(c, o);
  }
  remove_stale_temporaries(dir);
  const fs::path ckpt_path = dir / "checkpoint.qmf";
  if (!fs::exists(ckpt_path, ec)) {
    check_restartable(dir);
    keep_threads(c, dir, progress);
    return r;
  }
  r.checkpoint_bytes = read_checkpoint_file(ckpt_path);
  r.checkpoint = parse_checkpoint(r.checkpoint_bytes, ckpt_path.string());
  const Checkpoint& ckpt = r.checkpoint;
  check_trained_settings(ckpt, c, dir);
  rows_from(ckpt, ckpt_path);
  const ValidationBest best = best_from(ckpt, ckpt_path);
  if (best.stopped_at > 0 && c.train.epochs != epochs_before)
    throw UsageError(fmt::format(
        "train.epochs={}: the run stopped early after epoch {} (train.patience); it cannot "
        "train on; start a new run to train longer",
        c.train.epochs, best.stopped_at));
  if (c.train.epochs < ckpt.epochs_done)
    throw UsageError(fmt::format("train.epochs={}: the run has already trained {} epochs",
                                 c.train.epochs, ckpt.epochs_done));
  if (ckpt.partial.steps > 0 && c.train.epochs == ckpt.epochs_done)
    throw UsageError(fmt::format("train.epochs={}: the run is already inside epoch {}",
                                 c.train.epochs, ckpt.epochs_done + 1));
  keep_threads(c, dir, progress);
  return r;
}

}  // namespace

nlohmann::json train_resume(const fs::path& dir, const std::vector<std::string>& overrides,
                            Progress& progress, const dist::Communicator& ranks) {
  std::optional<DirLock> lock;  // rank 0's: a second resume, or a run still training, is refused
  Resumption r;
  dist::agree(
      ranks,
      [&] {
        lock.emplace(dir);
        r = find_resumption(dir, overrides, progress);
      },
      /*root_only=*/true);
  ranks.broadcast(r.checkpoint_bytes);
  const Config c = same_on_every_rank(r.config, ranks);
  const fs::path ckpt_path = dir / "checkpoint.qmf";
  if (r.checkpoint_bytes.empty()) {
    progress.finish(
        fmt::format("{} has no checkpoint yet (the run stopped before its first): "
                    "starting it again from the beginning",
                    dir.string()));
    return start_run(c, dir, progress, ranks);
  }
  if (!ranks.root()) r.checkpoint = parse_checkpoint(r.checkpoint_bytes, ckpt_path.string());
  const Checkpoint& ckpt = r.checkpoint;
  auto rows = rows_from(ckpt, ckpt_path);
  const ValidationBest best = best_from(ckpt, ckpt_path);
  const data::Multimodal data = load_data_on_every_rank(c, dir, "before training resumed", ranks);
  Trainable t = make_trainable(c, data, ranks);
  dist::agree(ranks, [&] {
    restore(ckpt, t.model->kind(), t.model->arena(), t.optimizer.get(), ckpt_path);
  });
  dist::agree(
      ranks,
      [&] {
        repair_best(ckpt, best, dir);
        write_file_atomic(dir / "config.toml", to_toml(c));
      },
      /*root_only=*/true);
  progress.finish(ckpt.partial.steps > 0
                      ? fmt::format("resuming {} in epoch {} of {}, after step {}", dir.string(),
                                    ckpt.epochs_done + 1, c.train.epochs, ckpt.partial.steps)
                      : fmt::format("resuming {} after epoch {} of {}", dir.string(),
                                    ckpt.epochs_done, c.train.epochs));
  if (ranks.size() > 1) progress.finish(ranks_line(c, ranks));
  return run_epochs(c, dir, data, *t.model, *t.optimizer, std::move(rows), ckpt.partial, best,
                    progress, ranks);
}

}  // namespace qmf::train
