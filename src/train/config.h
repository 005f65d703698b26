#pragma once
// The run configuration: typed settings with the defaults that `qmf config` lists, read from a
// TOML file and `--set key=value` overrides, written back as TOML for the run directory. Keys are
// addressed as "section.name" (data.view, model.k, train.lr, sim.precision, noise.readout). Bad
// keys or values throw qmf::UsageError naming the key; unreadable files throw qmf::Error.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.h"
#include "model/qmfnn_settings.h"
#include "nn/conv_stack.h"
#include "nn/optim.h"
#include "noise/noise_model.h"
#include "train/early_stopping.h"
#include "train/lr_schedule.h"

namespace qmf {

struct DataConfig {
  std::string dir;    // empty: the caller's default data directory
  std::string fsdd;   // spoken digits (.tar.gz or directory); empty: <data directory>/fsdd
  std::string files;  // view files: the directory of the user's own data (train/, test/)
  std::string view = "mnist/split-h2";
  std::size_t train_limit = 0;           // 0: all samples
  std::size_t test_limit = 0;            // 0: all samples
  bool pool = false;                     // 2x2 average pooling
  Augment augment = Augment::automatic;  // training images: random crop with padding, flips
  bool standardize = false;              // per-feature, from training data
  double validation = 0;                 // fraction of the training data held out for validation
  std::vector<int> classes;     // empty: all classes; otherwise relabelled 0..C-1 in this order
  std::vector<int> modalities;  // empty: all; otherwise the 1-based modalities kept, in order
  // data.corrupt.*: one modality of a fraction of the test samples damaged (0: none).
  std::size_t corrupt_modality = 0;
  CorruptKind corrupt_kind = CorruptKind::noise;
  double corrupt_fraction = 1.0;
  double corrupt_sigma = 0.5;
  bool operator==(const DataConfig&) const = default;
};

// The qmfnn's keys are the model layer's own settings struct, embedded whole; the rest are the
// classical baselines'.
struct ModelConfig : model::QmfnnSettings {
  std::string kind = "qmfnn";       // one of kModelKinds
  std::vector<int> hidden = {128};  // early / late: MLP hidden widths
  int fusion_dim = 16;              // tfn / lmf: width of each modality's embedding z_m
  int rank = 4;                     // lmf: rank of the factorised fusion weight
  // Every model kind's per-modality front end; with cnn the model's own layers see the
  // convolutional stack's features instead of the raw inputs.
  Frontend frontend = Frontend::mlp;
  nn::ConvSpec cnn;  // model.cnn.*: used with frontend = cnn
  bool operator==(const ModelConfig&) const = default;
};

struct TrainConfig {
  int epochs = 1;
  int batch = 64;
  double lr = 0.01;
  nn::OptimizerKind optimizer = nn::OptimizerKind::adam;
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all cores
  // Optimiser steps between checkpoints inside an epoch, so a killed run loses little work;
  // 0: checkpoints at epoch ends only. It never changes what is trained.
  int checkpoint_every = 0;
  // Training controls (docs/TRAINING.md). All default to off: a plain run at train.lr.
  train::LrScheduleKind lr_schedule = train::LrScheduleKind::constant;
  int lr_warmup = 0;            // optimiser steps of linear warm-up; 0: none
  int lr_step_size = 1000;      // step schedule: optimiser steps between decays
  double lr_step_factor = 0.1;  // step schedule: the rate is multiplied by it at each decay
  double lr_floor = 0;          // cosine schedule: the rate at the run's last step
  double weight_decay = 0;      // decoupled (AdamW; the same rule for SGD)
  double momentum = 0;          // SGD only
  double clip_norm = 0;         // global L2 gradient norm limit; 0: no clipping
  train::Monitor monitor = train::Monitor::val_loss;  // early stopping and best.qmf
  int patience = 0;  // early stopping after this many epochs without improvement; 0: off
  // A run directory or checkpoint file whose parameters start this run instead of the seed's
  // (fine-tuning: a noise-aware model from a noise-free one); "": start from the seed.
  std::string init;
  bool operator==(const TrainConfig&) const = default;
};

struct SimConfig {
  Precision precision = Precision::f64;
  std::uint64_t shots = 0;  // measurements per sample the readout is estimated from; 0: exact
  std::uint64_t seed = 0;   // the seed of the shot sampling and of the trajectories
  // Noisy circuits run as this many trajectories per sample (noise/trajectories.h); 0: exact
  // density matrices, which stop at noise::kMaxDensityQubits.
  std::uint32_t trajectories = 0;
  bool operator==(const SimConfig&) const = default;
};

// The noise keys are the noise layer's own settings, embedded whole (docs/NOISE.md).
struct NoiseConfig : noise::NoiseSettings {
  bool operator==(const NoiseConfig&) const = default;
};

struct Config {
  DataConfig data;
  ModelConfig model;
  TrainConfig train;
  SimConfig sim;
  NoiseConfig noise;
  bool operator==(const Config&) const = default;
};

// Defaults overlaid with the file's keys; keys left out keep their defaults.
Config load_config(const std::filesystem::path& file);

// As load_config, from TOML text; `source` names it in error messages.
Config parse_config(std::string_view toml_text, std::string_view source = "<config>");

// Applies one `--set key=value`. The value is TOML (0.05, [4,4], false, "text"); string keys
// also take a bare word (data.view=mnist/split-v2). Checks the value as load_config does; its
// messages start with `origin`, by default "--set key=value" (a study file gives file:line:col).
void apply_override(Config& config, std::string_view assignment, std::string_view origin = {});
// The key of a `--set` assignment: "train.epochs=5" and " train.epochs = 5" alike give
// "train.epochs".
std::string_view override_key(std::string_view assignment);

// Every range and choice rule, for configs built in code; the readers above already apply them.
// Also the rules between keys (train.momentum needs SGD, train.patience a validation split, ...),
// which the readers leave to it so that a --set may still fix a file's combination.
void validate(const Config& config);

// Every key, in table order; load_config of the result gives back an equal Config.
std::string to_toml(const Config& config);

// Where two configs differ, one "key: <a> vs <b>" per key (values as TOML), in table order;
// keys listed in `ignore` are skipped.
std::vector<std::string> config_differences(const Config& a, const Config& b,
                                            std::span<const std::string_view> ignore = {});

// model.k expanded to one register size per modality (a single k repeats); a count that matches
// neither 1 nor `modalities` is a UsageError.
std::vector<int> qubits_per_modality(const ModelConfig& model, std::size_t modalities);

}  // namespace qmf
