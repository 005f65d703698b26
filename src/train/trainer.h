#pragma once
// Mini-batch training and evaluation over a multimodal split.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "model/model.h"
#include "nn/optim.h"
#include "train/epoch_progress.h"
#include "train/lr_schedule.h"
#include "train/progress.h"
#include "train/run_record.h"

namespace qmf::train {

struct Evaluation {
  double loss = 0, accuracy = 0;
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
};

Evaluation evaluate(model::Model& model, const data::Split& split, int classes,
                    size_t batch = 1024);

// Called after an optimiser step that leaves the epoch unfinished, with the epoch's progress so
// far; where mid-epoch checkpoints are taken.
using StepHook = std::function<void(const EpochProgress&)>;

// What each optimiser step does besides the optimiser's own rule (docs/TRAINING.md): the rate
// of the run's global step (the optimiser's step count) from the schedule, and the gradients
// clipped to a global L2 norm before the step.
struct StepRules {
  std::optional<LrSchedule> schedule;  // none: the optimiser keeps its rate
  double clip_norm = 0;                // 0: no clipping
};

// One epoch: a shuffle fixed by (seed, epoch), then mini-batches; the last batch may be short.
// `from` continues an epoch a checkpoint interrupted: its first from.steps batches are skipped
// and its sums carried on, so the result equals the uninterrupted epoch bit for bit. A
// non-finite loss, gradient or parameter throws qmf::Error before the hook can see it.
EpochRow train_epoch(model::Model& model, nn::Optimizer& optimizer, const data::Multimodal& data,
                     int epoch, int epochs, size_t batch, uint64_t seed, Progress& progress,
                     const EpochProgress& from = {}, const StepHook& after_step = {},
                     const StepRules& rules = {});

}  // namespace qmf::train
