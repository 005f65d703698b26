#include "nn/conv_stack.h"

#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "nn/activation.h"

namespace qmf::nn {

namespace {

// Throws UsageError unless the spec describes at least one block of positive sizes.
void check_spec(const ConvSpec& spec) {
  if (spec.channels.empty())
    throw UsageError("a convolutional front end needs at least one block: channels is empty");
  for (int c : spec.channels)
    if (c < 1) throw UsageError(fmt::format("every block needs at least 1 channel, got {}", c));
  if (spec.kernel < 1)
    throw UsageError(fmt::format("the kernel size must be at least 1, got {}", spec.kernel));
  if (spec.pool < 1)
    throw UsageError(fmt::format("the pooling size must be at least 1, got {}", spec.pool));
  if (!(spec.dropout >= 0.0 && spec.dropout < 1.0))
    throw UsageError(fmt::format("the dropout rate must be in [0, 1), got {}", spec.dropout));
}

// Padding k/2 at stride 1 keeps a side of an odd kernel and grows it by one for an even one.
size_t convolved(size_t n, size_t kernel) { return n + 2 * (kernel / 2) - kernel + 1; }

// Throws UsageError when some block's pooling window no longer fits the maps: said here, for
// the whole stack, rather than by the block that finds it.
void check_fits(ImageShape in, const ConvSpec& spec) {
  const auto kernel = static_cast<size_t>(spec.kernel);
  const auto pool = static_cast<size_t>(spec.pool);
  size_t rows = in.rows, cols = in.cols;
  for (size_t i = 0; i < spec.channels.size(); ++i) {
    rows = convolved(rows, kernel);
    cols = convolved(cols, kernel);
    if (rows < pool || cols < pool)
      throw UsageError(fmt::format("{} block{} of {}x{} pooling shrink{} a {}x{} image to nothing",
                                   spec.channels.size(), spec.channels.size() == 1 ? "" : "s", pool,
                                   pool, spec.channels.size() == 1 ? "s" : "", in.rows, in.cols));
    rows = (rows - pool) / pool + 1;
    cols = (cols - pool) / pool + 1;
  }
}

// FNV-1a of the stack's name: its dropout's salt, so that the stacks of different modalities,
// which see the same streams, drop different entries. Defined here bit for bit (std::hash is
// not the same in every standard library).
uint64_t name_salt(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char ch : name) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
  return h;
}

}  // namespace

ConvStack::Block::Block(ParameterArena& arena, const std::string& name, size_t number,
                        ImageShape in, const ConvSpec& spec, int threads)
    : conv(arena, fmt::format("{}.conv{}", name, number), in,
           static_cast<size_t>(spec.channels[number - 1]), static_cast<size_t>(spec.kernel), 1,
           static_cast<size_t>(spec.kernel) / 2, threads),
      norm(arena, fmt::format("{}.norm{}", name, number), conv.out_shape(),
           std::gcd(conv.out_shape().channels, size_t{8})),
      pool(conv.out_shape(), spec.pooling, static_cast<size_t>(spec.pool),
           static_cast<size_t>(spec.pool)) {}

ConvStack::ConvStack(ParameterArena& arena, const std::string& name, ImageShape in,
                     const ConvSpec& spec, int threads)
    : in_(in), spec_(spec) {
  QMF_CHECK(in.size() > 0, "ConvStack '{}' needs a non-empty input shape", name);
  check_spec(spec);
  check_fits(in, spec);
  blocks_.reserve(spec.channels.size());
  for (size_t i = 1; i <= spec.channels.size(); ++i)
    blocks_.emplace_back(arena, name, i, i == 1 ? in : blocks_.back().pool.out_shape(), spec,
                         threads);
  if (spec.dropout > 0.0) dropout_.emplace(spec.dropout, name_salt(name));
}

void ConvStack::init(Rng& rng) {
  for (Block& block : blocks_) {
    block.conv.init(rng);
    block.norm.init(rng);
  }
}

size_t ConvStack::parameter_count() const {
  size_t n = 0;
  for (const Block& block : blocks_)
    n += block.conv.parameter_count() + block.norm.parameter_count();
  return n;
}

std::string ConvStack::describe() const {
  std::string layers = "group norm, ReLU";
  if (spec_.pool > 1) layers += fmt::format(", {}-pool {}", name_of(spec_.pooling), spec_.pool);
  const std::string dropout =
      dropout_ ? fmt::format(", dropout {}", dropout_->rate()) : std::string();
  const ImageShape out = out_shape();
  return fmt::format("conv {}x{} {} ({}){} -> {}x{}x{} = {}", spec_.kernel, spec_.kernel,
                     fmt::join(spec_.channels, ", "), layers, dropout, out.channels, out.rows,
                     out.cols, out.size());
}

const Matrix& ConvStack::forward(const Matrix& x, bool training, uint64_t first_stream) {
  input_ = x;  // a copy: the caller may reuse its buffer before backward
  const Matrix* in = &input_;
  for (Block& block : blocks_) {
    block.conv.forward(*in, block.conv_out);
    block.norm.forward(block.conv_out, block.norm_out);
    relu_forward(block.norm_out, block.act);
    block.pool.forward(block.act, block.pool_out);
    in = &block.pool_out;
  }
  if (!dropout_) return *in;
  dropout_->forward(*in, output_, training, first_stream);
  return output_;
}

void ConvStack::backward(const Matrix& dy, Matrix* dx) {
  QMF_CHECK(blocks_.back().pool_out.size() > 0, "ConvStack backward called before forward");
  const Matrix* grad = &dy;
  if (dropout_) {
    dropout_->backward(dy, grad_dropout_);
    grad = &grad_dropout_;
  }
  for (size_t i = blocks_.size(); i-- > 0;) {
    Block& block = blocks_[i];
    block.pool.backward(*grad, block.grad_act);
    relu_backward(block.norm_out, block.grad_act, block.grad_act);  // now d loss / d norm_out
    block.norm.backward(block.grad_act, block.grad_conv);
    const Matrix& in = i == 0 ? input_ : blocks_[i - 1].pool_out;
    block.conv.backward(in, block.grad_conv, i == 0 ? dx : &block.grad_in);
    grad = &block.grad_in;
  }
}

}  // namespace qmf::nn
