#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/interrupt.h"
#include "core/rng.h"
#include "data/batch.h"
#include "dist/agreement.h"
#include "nn/argmax.h"
#include "train/numeric_guard.h"

namespace qmf::train {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// What one step trained, summed over the ranks.
struct StepTotals {
  double loss = 0;  // the batch's mean loss
  double loss_sum = 0;
  int64_t correct = 0;
  int stop_signal = 0;  // agreed by the ranks; one process reads its own when the step is done
};

// Sums the ranks' gradients (each weighted by its shard's share of the batch), losses, correct
// counts and stop requests in one collective: `sums` is its buffer. One rank keeps its figures.
StepTotals sum_step(const dist::Communicator& ranks, nn::ParameterArena& arena, double loss,
                    size_t rows, size_t batch_rows, int64_t correct, std::vector<double>& sums) {
  if (ranks.size() == 1) return {loss, loss * static_cast<double>(rows), correct, 0};
  const std::span<double> grads = arena.grads();
  const size_t n = grads.size();
  sums.resize(n + 4);
  const double share = static_cast<double>(rows) / static_cast<double>(batch_rows);
  for (size_t i = 0; i < n; ++i) sums[i] = grads[i] * share;
  sums[n] = loss * static_cast<double>(rows);
  sums[n + 1] = static_cast<double>(correct);
  dist::vote_stop(interrupt_signal(), std::span<double, 2>(sums.data() + n + 2, 2));
  ranks.sum(sums);
  std::copy_n(sums.begin(), n, grads.begin());
  return {.loss = sums[n] / static_cast<double>(batch_rows),
          .loss_sum = sums[n],
          .correct = static_cast<int64_t>(sums[n + 1]),
          .stop_signal = dist::agreed_signal(std::span<const double, 2>(sums.data() + n + 2, 2))};
}

// The augmentation's streams, apart from the shuffle's (seed, epoch) ones.
constexpr uint64_t kAugmentStream = 0xa06'3e47ULL;

// The first draw stream of a training step's global batch: a hash, far from the streams
// 0, 1, ... that evaluations use, and the same for any number of ranks and after a resume.
uint64_t step_draws(const StepPlace& where) {
  return mix_seed(mix_seed(0x5eed'd4a3ULL, static_cast<uint64_t>(where.epoch)),
                  static_cast<uint64_t>(where.step));
}

}  // namespace

Shard shard_of(size_t count, int rank, int ranks) {
  const auto r = static_cast<size_t>(rank), n = static_cast<size_t>(ranks);
  return {count * r / n, count * (r + 1) / n};
}

Evaluation evaluate(model::Model& model, const data::Split& split, int classes,
                    const dist::Communicator& ranks, size_t batch) {
  Evaluation ev;
  ev.confusion.assign(classes, std::vector<int64_t>(classes, 0));
  std::vector<size_t> idx;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  nn::Matrix probs;
  int64_t correct = 0;
  const Shard mine = shard_of(split.size(), ranks.rank(), ranks.size());
  for (size_t start = mine.begin; start < mine.end; start += batch) {
    idx.resize(std::min(batch, mine.end - start));
    std::iota(idx.begin(), idx.end(), start);
    data::gather(split, idx, x, y);
    model.place_draws(start);  // sample i of the split draws from stream i, in every epoch
    ev.loss += model.forward(x, y, probs) * static_cast<double>(idx.size());
    for (size_t r = 0; r < idx.size(); ++r) {
      const int pred = nn::argmax(probs, static_cast<Eigen::Index>(r));
      correct += pred == y[r];
      ++ev.confusion[y[r]][pred];
    }
  }
  if (ranks.size() > 1) {
    std::vector<double> sums{ev.loss, static_cast<double>(correct)};
    for (const auto& row : ev.confusion)
      for (int64_t c : row) sums.push_back(static_cast<double>(c));
    ranks.sum(sums);
    ev.loss = sums[0];
    correct = static_cast<int64_t>(sums[1]);
    size_t at = 2;
    for (auto& row : ev.confusion)
      for (int64_t& c : row) c = static_cast<int64_t>(sums[at++]);
  }
  const auto n = static_cast<double>(split.size());
  ev.loss /= n;
  ev.accuracy = static_cast<double>(correct) / n;
  return ev;
}

EpochRow train_epoch(model::Model& model, nn::Optimizer& optimizer, const data::Multimodal& data,
                     int epoch, int epochs, size_t batch, uint64_t seed, Progress& progress,
                     const EpochProgress& from, const StepHook& after_step, const StepRules& rules,
                     const dist::Communicator& ranks) {
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
  const uint64_t augment_seed =
      mix_seed(mix_seed(seed, kAugmentStream), static_cast<uint64_t>(epoch));

  std::vector<nn::Matrix> x;
  std::vector<int> y;
  nn::Matrix probs;
  std::vector<double> sums;
  EpochProgress now = from;
  const auto elapsed = [&] { return from.seconds + since(start); };
  // This rank's rows of the global batch starting at `at`.
  const auto my_rows = [&](size_t at) {
    const size_t count = std::min(batch, train.size() - at);
    const Shard s = shard_of(count, ranks.rank(), ranks.size());
    return std::span<const size_t>(order).subspan(at + s.begin, s.end - s.begin);
  };
  progress.start(fmt::format("epoch {}/{}", epoch, epochs), train.size(),
                 static_cast<size_t>(from.steps) * batch);
  for (size_t done = static_cast<size_t>(from.steps) * batch; done < train.size();) {
    const size_t count = std::min(batch, train.size() - done);
    const StepPlace where{epoch, now.steps + 1};
    const std::span<const size_t> rows = my_rows(done);
    double loss = 0;
    int64_t correct = 0;
    if (rows.empty()) {
      model.arena().zero_grad();  // a batch smaller than the job: this rank adds nothing
    } else {
      data::gather(train, rows, x, y);
      data::augment(x, data.image_shapes, data.placements, rows, rules.augment, augment_seed);
      if (done + count < train.size()) data::prefetch(train, my_rows(done + count));
      model.place_draws(step_draws(where) + shard_of(count, ranks.rank(), ranks.size()).begin);
      loss = model.forward(x, y, probs, model::Pass::train);
      model.backward();
      for (size_t r = 0; r < rows.size(); ++r)
        correct += nn::argmax(probs, static_cast<Eigen::Index>(r)) == y[r];
    }
    const StepTotals step = sum_step(ranks, model.arena(), loss, rows.size(), count, correct, sums);
    // Every rank checks the same sums and parameters, so every rank fails here together.
    dist::on_every_rank(ranks, [&] { check_loss_and_grads(model.arena(), step.loss, where); });
    if (rules.clip_norm > 0) nn::clip_grad_norm(model.arena(), rules.clip_norm);
    if (rules.schedule) optimizer.set_lr(lr_at(*rules.schedule, optimizer.state().step));
    optimizer.step(model.arena());
    dist::on_every_rank(ranks, [&] { check_values(model.arena(), where); });
    now.steps = where.step;
    now.loss_sum += step.loss_sum;
    now.correct += step.correct;
    done += count;
    progress.update(done, now.loss_sum / static_cast<double>(done),
                    static_cast<double>(now.correct) / static_cast<double>(done));
    if (after_step && done < train.size()) {
      now.seconds = elapsed();
      after_step(now, ranks.size() == 1 ? interrupt_signal() : step.stop_signal);
    }
  }
  EpochRow row;
  row.epoch = epoch;
  row.train_loss = now.loss_sum / static_cast<double>(train.size());
  row.train_acc = static_cast<double>(now.correct) / static_cast<double>(train.size());
  row.train_seconds = elapsed();
  const Evaluation test = evaluate(model, data.test, data.classes, ranks);
  row.test_loss = test.loss;
  row.test_acc = test.accuracy;
  row.val_loss = row.val_acc = std::nan("");
  std::string val;
  if (data.validation.size() > 0) {
    const Evaluation v = evaluate(model, data.validation, data.classes, ranks);
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
