#pragma once
// Mini-batch training and evaluation over a multimodal split.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "data/augment.h"
#include "data/dataset.h"
#include "dist/communicator.h"
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

// Data parallelism. On a job of several ranks (dist/communicator.h) every global batch (and every
// split evaluated) is cut into one contiguous shard per rank; each rank runs forward and
// backward on its own, its gradients weighted by its share of the batch, and the sum over the
// ranks is the batch's gradient. Every rank then takes the same optimiser step. With one rank
// this is exactly the one-process computation; with several it agrees with it to rounding (the
// sums are added in another order).
//
// Rows [begin, end) of `count`: rank `rank` of `ranks`'s contiguous share.
struct Shard {
  size_t begin = 0, end = 0;
};
Shard shard_of(size_t count, int rank, int ranks);

Evaluation evaluate(model::Model& model, const data::Split& split, int classes,
                    const dist::Communicator& ranks = dist::one_process(), size_t batch = 1024);

// Called after an optimiser step that leaves the epoch unfinished, with the epoch's progress so
// far and the stop request (SIGINT or SIGTERM) every rank agreed on, 0 for none; where mid-epoch
// checkpoints are taken and stops saved.
using StepHook = std::function<void(const EpochProgress&, int stop_signal)>;

// What each optimiser step does besides the optimiser's own rule (docs/TRAINING.md): the rate
// of the run's global step (the optimiser's step count) from the schedule, the gradients
// clipped to a global L2 norm before the step, and the batch's images augmented before it.
struct StepRules {
  std::optional<LrSchedule> schedule;  // none: the optimiser keeps its rate
  double clip_norm = 0;                // 0: no clipping
  data::Augmentation augment;          // of the training batches (data/augment.h)
};

// One epoch: a shuffle fixed by (seed, epoch), then mini-batches; the last batch may be short.
// `from` continues an epoch a checkpoint interrupted: its first from.steps batches are skipped
// and its sums carried on, so the result equals the uninterrupted epoch bit for bit. A
// non-finite loss, gradient or parameter throws qmf::Error before the hook can see it.
EpochRow train_epoch(model::Model& model, nn::Optimizer& optimizer, const data::Multimodal& data,
                     int epoch, int epochs, size_t batch, uint64_t seed, Progress& progress,
                     const EpochProgress& from = {}, const StepHook& after_step = {},
                     const StepRules& rules = {},
                     const dist::Communicator& ranks = dist::one_process());

}  // namespace qmf::train
