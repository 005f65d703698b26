#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/rng.h"
#include "data/batch.h"
#include "nn/argmax.h"
#include "train/numeric_guard.h"

namespace qmf::train {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

Evaluation evaluate(model::Model& model, const data::Split& split, int classes, size_t batch) {
  Evaluation ev;
  ev.confusion.assign(classes, std::vector<int64_t>(classes, 0));
  std::vector<size_t> idx;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  nn::Matrix probs;
  int64_t correct = 0;
  for (size_t start = 0; start < split.size(); start += batch) {
    idx.resize(std::min(batch, split.size() - start));
    std::iota(idx.begin(), idx.end(), start);
    data::gather(split, idx, x, y);
    ev.loss += model.forward(x, y, probs) * static_cast<double>(idx.size());
    for (size_t r = 0; r < idx.size(); ++r) {
      const int pred = nn::argmax(probs, static_cast<Eigen::Index>(r));
      correct += pred == y[r];
      ++ev.confusion[y[r]][pred];
    }
  }
  const auto n = static_cast<double>(split.size());
  ev.loss /= n;
  ev.accuracy = static_cast<double>(correct) / n;
  return ev;
}

EpochRow train_epoch(model::Model& model, nn::Optimizer& optimizer, const data::Multimodal& data,
                     int epoch, int epochs, size_t batch, uint64_t seed, Progress& progress,
                     const EpochProgress& from, const StepHook& after_step,
                     const StepRules& rules) {
  const auto start = Clock::now();
  const data::Split& train = data.train;
  // Every batch but the last is full, so `from.steps` full batches are where the epoch stopped.
  if (from.steps > 0 && from.steps * batch >= train.size())
    throw Error(
        fmt::format("cannot continue epoch {} after step {}: with batch {} the epoch of {} "
                    "samples has fewer steps",
                    epoch, from.steps, batch, train.size()));
  std::vector<size_t> order(train.size());
  std::iota(order.begin(), order.end(), 0);
  Rng rng(mix_seed(seed, static_cast<uint64_t>(epoch)));
  rng.shuffle(order);

  std::vector<nn::Matrix> x;
  std::vector<int> y;
  nn::Matrix probs;
  EpochProgress now = from;
  const auto elapsed = [&] { return from.seconds + since(start); };
  progress.start(fmt::format("epoch {}/{}", epoch, epochs), train.size(),
                 static_cast<size_t>(from.steps) * batch);
  for (size_t done = static_cast<size_t>(from.steps) * batch; done < train.size();) {
    const size_t count = std::min(batch, train.size() - done);
    const StepPlace where{epoch, now.steps + 1};
    data::gather(train, std::span(order).subspan(done, count), x, y);
    if (done + count < train.size())
      data::prefetch(train, std::span(order).subspan(done + count,
                                                     std::min(batch, train.size() - done - count)));
    const double loss = model.forward(x, y, probs, model::Pass::train);
    model.backward();
    check_loss_and_grads(model.arena(), loss, where);
    if (rules.clip_norm > 0) nn::clip_grad_norm(model.arena(), rules.clip_norm);
    if (rules.schedule) optimizer.set_lr(lr_at(*rules.schedule, optimizer.state().step));
    optimizer.step(model.arena());
    check_values(model.arena(), where);
    now.steps = where.step;
    now.loss_sum += loss * static_cast<double>(count);
    for (size_t r = 0; r < count; ++r)
      now.correct += nn::argmax(probs, static_cast<Eigen::Index>(r)) == y[r];
    done += count;
    progress.update(done, now.loss_sum / static_cast<double>(done),
                    static_cast<double>(now.correct) / static_cast<double>(done));
    if (after_step && done < train.size()) {
      now.seconds = elapsed();
      after_step(now);
    }
  }
  EpochRow row;
  row.epoch = epoch;
  row.train_loss = now.loss_sum / static_cast<double>(train.size());
  row.train_acc = static_cast<double>(now.correct) / static_cast<double>(train.size());
  row.train_seconds = elapsed();
  const Evaluation test = evaluate(model, data.test, data.classes);
  row.test_loss = test.loss;
  row.test_acc = test.accuracy;
  row.val_loss = row.val_acc = std::nan("");
  std::string val;
  if (data.validation.size() > 0) {
    const Evaluation v = evaluate(model, data.validation, data.classes);
    row.val_loss = v.loss;
    row.val_acc = v.accuracy;
    val = fmt::format("val loss {:.4f} acc {:.2f}%", v.loss, 100 * v.accuracy);
  }
  row.seconds = from.seconds + since(start);
  // The rate of the samples this process trained: a resumed epoch's skipped ones took no time.
  const double trained_here = static_cast<double>(train.size() - from.steps * batch);
  progress.finish_fields(
      {fmt::format("epoch {}/{}", epoch, epochs),
       fmt::format("train loss {:.4f} acc {:.2f}%", row.train_loss, 100 * row.train_acc), val,
       fmt::format("test loss {:.4f} acc {:.2f}%", row.test_loss, 100 * row.test_acc),
       fmt::format("{:.1f} s ({:.0f} samples/s)", row.seconds,
                   trained_here / (row.train_seconds - from.seconds))});
  return row;
}

}  // namespace qmf::train
