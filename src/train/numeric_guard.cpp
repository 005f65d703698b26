#include "train/numeric_guard.h"

#include <cmath>
#include <span>

#include "core/error.h"

namespace qmf::train {
namespace {

// The first block (in arena order) holding a non-finite entry of `v`, or nullptr.
const nn::ParamBlock* first_non_finite(const nn::ParameterArena& arena, std::span<const double> v) {
  for (const auto& b : arena.blocks())
    for (const double x : v.subspan(b.offset, b.size))
      if (!std::isfinite(x)) return &b;
  return nullptr;
}

[[noreturn]] void diverged(StepPlace where, const std::string& what) {
  throw Error(fmt::format(
      "training diverged at epoch {}, step {}: {}; nothing was saved after the last good "
      "step (try a smaller train.lr)",
      where.epoch, where.step, what));
}

}  // namespace

void check_loss_and_grads(const nn::ParameterArena& arena, double loss, StepPlace where) {
  if (const nn::ParamBlock* b = first_non_finite(arena, arena.grads()))
    diverged(where, fmt::format("non-finite gradient in parameter block {} (the first such block; "
                                "the loss is {})",
                                b->name, loss));
  if (!std::isfinite(loss))
    diverged(where, fmt::format("the loss itself is {} (the gradients are finite)", loss));
}

void check_values(const nn::ParameterArena& arena, StepPlace where) {
  if (const nn::ParamBlock* b = first_non_finite(arena, arena.values()))
    diverged(where, fmt::format("the update made parameter block {} non-finite", b->name));
}

}  // namespace qmf::train
