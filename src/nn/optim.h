#pragma once
// Optimisers: each step is one loop over the whole arena (values and gradients are parallel flat
// buffers). Their state is exposed as plain vectors so a checkpoint can save and restore it.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/options.h"
#include "nn/arena.h"

namespace qmf::nn {

// Also the config's train.optimizer and the name a checkpoint records, spelled by the table.
enum class OptimizerKind { adam, sgd };
inline constexpr Spelling<OptimizerKind> kOptimizers[] = {{OptimizerKind::adam, "adam"},
                                                          {OptimizerKind::sgd, "sgd"}};
constexpr std::span<const Spelling<OptimizerKind>> spellings(OptimizerKind) { return kOptimizers; }

// Everything an optimiser carries between steps. buffers are arena-sized, in the arena's layout:
// Adam {m, v}; Sgd with momentum {velocity}; plain Sgd {}.
struct OptimizerState {
  uint64_t step = 0;
  std::vector<std::vector<double>> buffers;
};

class Optimizer {
 public:
  explicit Optimizer(double lr);
  virtual ~Optimizer() = default;

  // Updates every parameter from its gradient; gradients are left as they are.
  virtual void step(ParameterArena& arena) = 0;
  virtual OptimizerKind kind() const = 0;

  const OptimizerState& state() const { return state_; }
  // Restores a saved state; checked against this optimiser's buffer count and the arena at the
  // next step.
  void set_state(OptimizerState state);

  double lr() const { return lr_; }
  void set_lr(double lr);  // for schedules

 protected:
  // Sizes the buffers to the arena on the first step (zero-filled); afterwards checks that the
  // arena has not changed size under the state.
  void prepare(const ParameterArena& arena);

  OptimizerState state_;

 private:
  virtual size_t buffer_count() const = 0;

  double lr_ = 0.0;
};

struct AdamConfig {
  double lr = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // decoupled (AdamW): p -= lr wd p before the Adam step
};

// Adam (Kingma & Ba, arXiv:1412.6980) with bias correction, as in PyTorch:
// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps).
// A weight decay makes it AdamW (Loshchilov & Hutter, arXiv:1711.05101), as PyTorch's AdamW:
// p *= 1 - lr wd first, outside the moments, so the decay is not rescaled by sqrt(v).
class Adam final : public Optimizer {
 public:
  explicit Adam(AdamConfig config = {});
  void step(ParameterArena& arena) override;
  OptimizerKind kind() const override { return OptimizerKind::adam; }
  const AdamConfig& config() const { return config_; }

 private:
  size_t buffer_count() const override { return 2; }
  AdamConfig config_;
};

struct SgdConfig {
  double lr = 0.01;
  double momentum = 0.0;      // 0: plain SGD, no state
  double weight_decay = 0.0;  // decoupled, as AdamW's: p -= lr wd p before the gradient step
};

// SGD with optional heavy-ball momentum, as in PyTorch: u = mu u + g; p -= lr u. The weight decay
// is decoupled (p *= 1 - lr wd, then the step), the same rule as AdamW's: without momentum it
// equals an L2 penalty wd/2 |p|^2 in the loss; with momentum it differs from one, since the decay
// does not enter the velocity.
class Sgd final : public Optimizer {
 public:
  explicit Sgd(SgdConfig config = {});
  void step(ParameterArena& arena) override;
  OptimizerKind kind() const override { return OptimizerKind::sgd; }
  const SgdConfig& config() const { return config_; }

 private:
  size_t buffer_count() const override { return config_.momentum > 0.0 ? 1 : 0; }
  SgdConfig config_;
};

// The optimiser of this kind at learning rate lr, its other settings at their defaults.
std::unique_ptr<Optimizer> make_optimizer(OptimizerKind kind, double lr);

struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::adam;
  double lr = 0.01;
  double weight_decay = 0.0;
  double momentum = 0.0;  // SGD only; Adam has its betas
};
std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& settings);

// Gradient clipping by the global L2 norm over every parameter of the arena: when the norm
// exceeds max_norm (> 0), every gradient is scaled by max_norm / norm, so the direction is kept.
// Returns the norm before clipping. The sum runs in arena order, so it is the same every run.
double clip_grad_norm(ParameterArena& arena, double max_norm);

}  // namespace qmf::nn
