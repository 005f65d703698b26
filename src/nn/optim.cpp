#include "nn/optim.h"

#include <cmath>
#include <utility>

#include "core/error.h"

namespace qmf::nn {

Optimizer::Optimizer(double lr) { set_lr(lr); }

void Optimizer::set_lr(double lr) {
  QMF_CHECK(std::isfinite(lr) && lr >= 0.0, "learning rate must be finite and >= 0, got {}", lr);
  lr_ = lr;
}

void Optimizer::set_state(OptimizerState state) {
  QMF_CHECK(state.buffers.size() == buffer_count(), "{} state needs {} buffers, got {}",
            name_of(kind()), buffer_count(), state.buffers.size());
  for (const std::vector<double>& buffer : state.buffers)
    QMF_CHECK(buffer.size() == state.buffers.front().size(), "{} state buffers differ in size",
              name_of(kind()));
  state_ = std::move(state);
}

void Optimizer::prepare(const ParameterArena& arena) {
  if (state_.buffers.size() != buffer_count())
    state_.buffers.assign(buffer_count(), std::vector<double>(arena.size(), 0.0));
  for (const std::vector<double>& buffer : state_.buffers)
    QMF_CHECK(buffer.size() == arena.size(), "{} state holds {} parameters, the arena {}",
              name_of(kind()), buffer.size(), arena.size());
}

Adam::Adam(AdamConfig config) : Optimizer(config.lr), config_(config) {
  QMF_CHECK(config.beta1 >= 0.0 && config.beta1 < 1.0, "Adam beta1 must be in [0, 1), got {}",
            config.beta1);
  QMF_CHECK(config.beta2 >= 0.0 && config.beta2 < 1.0, "Adam beta2 must be in [0, 1), got {}",
            config.beta2);
  QMF_CHECK(config.eps > 0.0, "Adam eps must be positive, got {}", config.eps);
  QMF_CHECK(config.weight_decay >= 0.0, "weight decay must be >= 0, got {}", config.weight_decay);
}

namespace {

// The decoupled decay p *= 1 - lr wd; skipped at 0 so that runs without it are unchanged.
void decay(std::span<double> p, double lr, double weight_decay) {
  if (weight_decay == 0.0) return;
  const double keep = 1.0 - lr * weight_decay;
  for (double& x : p) x *= keep;
}

}  // namespace

void Adam::step(ParameterArena& arena) {
  prepare(arena);
  const uint64_t t = ++state_.step;
  const double b1 = config_.beta1;
  const double b2 = config_.beta2;
  // Bias corrections folded into one step size and one scale on sqrt(v).
  const double correction1 = 1.0 - std::pow(b1, static_cast<double>(t));
  const double sqrt_correction2 = std::sqrt(1.0 - std::pow(b2, static_cast<double>(t)));
  const double step_size = lr() / correction1;
  const std::span<double> p = arena.values();
  const std::span<const double> g = std::as_const(arena).grads();
  std::vector<double>& m = state_.buffers[0];
  std::vector<double>& v = state_.buffers[1];
  decay(p, lr(), config_.weight_decay);
  for (size_t i = 0; i < p.size(); ++i) {
    m[i] = b1 * m[i] + (1.0 - b1) * g[i];
    v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
    p[i] -= step_size * m[i] / (std::sqrt(v[i]) / sqrt_correction2 + config_.eps);
  }
}

Sgd::Sgd(SgdConfig config) : Optimizer(config.lr), config_(config) {
  QMF_CHECK(config.momentum >= 0.0 && config.momentum < 1.0,
            "SGD momentum must be in [0, 1), got {}", config.momentum);
  QMF_CHECK(config.weight_decay >= 0.0, "weight decay must be >= 0, got {}", config.weight_decay);
}

void Sgd::step(ParameterArena& arena) {
  prepare(arena);
  ++state_.step;
  const std::span<double> p = arena.values();
  const std::span<const double> g = std::as_const(arena).grads();
  decay(p, lr(), config_.weight_decay);
  if (state_.buffers.empty()) {
    for (size_t i = 0; i < p.size(); ++i) p[i] -= lr() * g[i];
    return;
  }
  std::vector<double>& u = state_.buffers[0];
  for (size_t i = 0; i < p.size(); ++i) {
    u[i] = config_.momentum * u[i] + g[i];
    p[i] -= lr() * u[i];
  }
}

std::unique_ptr<Optimizer> make_optimizer(OptimizerKind kind, double lr) {
  switch (kind) {
    case OptimizerKind::adam:
      return std::make_unique<Adam>(AdamConfig{lr});
    case OptimizerKind::sgd:
      return std::make_unique<Sgd>(SgdConfig{lr});
  }
  QMF_CHECK(false, "unknown optimiser {}", static_cast<int>(kind));
  return nullptr;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& s) {
  switch (s.kind) {
    case OptimizerKind::adam:
      return std::make_unique<Adam>(AdamConfig{.lr = s.lr, .weight_decay = s.weight_decay});
    case OptimizerKind::sgd:
      return std::make_unique<Sgd>(
          SgdConfig{.lr = s.lr, .momentum = s.momentum, .weight_decay = s.weight_decay});
  }
  QMF_CHECK(false, "unknown optimiser {}", static_cast<int>(s.kind));
  return nullptr;
}

double clip_grad_norm(ParameterArena& arena, double max_norm) {
  QMF_CHECK(max_norm > 0.0, "the clipping norm must be positive, got {}", max_norm);
  const std::span<double> g = arena.grads();
  double sum = 0.0;
  for (const double x : g) sum += x * x;
  const double norm = std::sqrt(sum);
  if (norm > max_norm) {
    const double scale = max_norm / norm;
    for (double& x : g) x *= scale;
  }
  return norm;
}

}  // namespace qmf::nn
