#pragma once
// Mini-batch training and evaluation over a multimodal split.
#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.h"
#include "model/model.h"
#include "nn/optim.h"
#include "train/progress.h"

namespace qmf::train {

struct Evaluation {
  double loss = 0, accuracy = 0;
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
};

struct EpochRow {
  int epoch = 0;
  double train_loss = 0, train_acc = 0, test_loss = 0, test_acc = 0, seconds = 0;
  double train_seconds = 0;  // the training part only, for samples/s
  double val_loss = 0, val_acc = 0;  // NaN without a validation split
};

// Rows `idx` of every modality as double matrices, and their labels.
void gather(const data::Split& split, std::span<const size_t> idx, std::vector<nn::Matrix>& x,
            std::vector<int>& y);

Evaluation evaluate(model::Model& model, const data::Split& split, int classes,
                    size_t batch = 1024);

// One epoch: a shuffle fixed by (seed, epoch), then mini-batches; the last batch may be short.
EpochRow train_epoch(model::Model& model, nn::Optimizer& optimizer, const data::Multimodal& data,
                     int epoch, int epochs, size_t batch, uint64_t seed, Progress& progress);

}  // namespace qmf::train
