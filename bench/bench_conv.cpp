// The convolutional front end (nn/conv2d.h, nn/conv_stack.h) on the shapes of a CIFAR-10 half
// image at batch 64: each convolution's forward + backward (weights, bias and input gradients),
// im2col + Eigen in double, and, when oneDNN is installed, the same convolution through oneDNN
// in f32 (nchw) beside it. Args: shape index (see kShapes), threads.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/image_shape.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "nn/arena.h"
#include "nn/conv2d.h"
#include "nn/conv_stack.h"

#ifdef QMF_BENCH_DNNL
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace qmf::bench {
namespace {

constexpr int kBatch = 64;

// Kernel 3, stride 1, padding 1: the two blocks of the default ConvSpec on 32x16x3.
struct ConvShape {
  ImageShape in;
  size_t out_channels;
};
constexpr ConvShape kShapes[] = {{{32, 16, 3}, 16}, {{16, 8, 16}, 32}};

std::string shape_label(const ConvShape& s, int threads) {
  return fmt::format("{}x{}x{} -> {}, {} thread{}", s.in.rows, s.in.cols, s.in.channels,
                     s.out_channels, threads, threads == 1 ? "" : "s");
}

nn::Matrix normal_matrix(Rng& rng, Eigen::Index rows, size_t cols) {
  nn::Matrix m(rows, static_cast<Eigen::Index>(cols));
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  return m;
}

void BM_Conv2d(benchmark::State& state) {
  const ConvShape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  use_threads(threads);  // Eigen's products on one thread, as every command sets up
  nn::ParameterArena arena;
  nn::Conv2d conv(arena, "conv", s.in, s.out_channels, 3, 1, 1, threads);
  Rng rng(1);
  conv.init(rng);
  const nn::Matrix x = normal_matrix(rng, kBatch, s.in.size());
  const nn::Matrix dy = normal_matrix(rng, kBatch, conv.out_shape().size());
  nn::Matrix y, dx;
  for (auto _ : state) {
    conv.forward(x, y);
    arena.zero_grad();
    conv.backward(x, dy, &dx);
    benchmark::DoNotOptimize(dx.data());
  }
  if (!std::isfinite(dx.sum() + y.sum())) state.SkipWithError("non-finite result");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  state.SetLabel("im2col+Eigen f64, " + shape_label(s, threads));
}
BENCHMARK(BM_Conv2d)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMicrosecond)->UseRealTime();

// The whole default front end on 32x16x3: two blocks of conv, group norm, ReLU, max-pool 2.
void BM_ConvStack(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  use_threads(threads);
  nn::ParameterArena arena;
  nn::ConvStack stack(arena, "img", {32, 16, 3}, nn::ConvSpec{}, threads);
  Rng rng(2);
  stack.init(rng);
  const nn::Matrix x = normal_matrix(rng, kBatch, stack.in_shape().size());
  const nn::Matrix dy = normal_matrix(rng, kBatch, stack.out_dim());
  double sum = 0;
  for (auto _ : state) {
    sum = stack.forward(x, true, 0).sum();
    arena.zero_grad();
    stack.backward(dy, nullptr);  // the first layer of a model needs no input gradient
  }
  if (!std::isfinite(sum)) state.SkipWithError("non-finite result");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
  state.SetLabel(
      fmt::format("{}, {} thread{}", stack.describe(), threads, threads == 1 ? "" : "s"));
}
BENCHMARK(BM_ConvStack)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

#ifdef QMF_BENCH_DNNL
// The same convolution through oneDNN: forward, backward-data and backward-weights primitives,
// f32, nchw activations and oihw weights as the layer's layout, created once.
class DnnlConv {
 public:
  explicit DnnlConv(const ConvShape& s) {
    using dnnl::memory;
    using tag = memory::format_tag;
    const auto n = static_cast<memory::dim>(kBatch);
    const auto c = static_cast<memory::dim>(s.in.channels);
    const auto o = static_cast<memory::dim>(s.out_channels);
    const auto h = static_cast<memory::dim>(s.in.rows);
    const auto w = static_cast<memory::dim>(s.in.cols);
    const memory::desc src({n, c, h, w}, memory::data_type::f32, tag::nchw);
    const memory::desc weights({o, c, 3, 3}, memory::data_type::f32, tag::oihw);
    const memory::desc bias({o}, memory::data_type::f32, tag::x);
    const memory::desc dst({n, o, h, w}, memory::data_type::f32, tag::nchw);  // same size: pad 1
    const memory::dims strides = {1, 1}, padding = {1, 1};
    const auto algo = dnnl::algorithm::convolution_direct;
    const dnnl::convolution_forward::primitive_desc forward_pd(
        {dnnl::prop_kind::forward_training, algo, src, weights, bias, dst, strides, padding,
         padding},
        engine_);
    const dnnl::convolution_backward_data::primitive_desc data_pd(
        {algo, src, weights, dst, strides, padding, padding}, engine_, forward_pd);
    const dnnl::convolution_backward_weights::primitive_desc weights_pd(
        {algo, src, weights, bias, dst, strides, padding, padding}, engine_, forward_pd);
    implementation_ = forward_pd.impl_info_str();
    forward_ = dnnl::convolution_forward(forward_pd);
    backward_data_ = dnnl::convolution_backward_data(data_pd);
    backward_weights_ = dnnl::convolution_backward_weights(weights_pd);
    Rng rng(3);
    for (const memory::desc& d : {src, weights, bias, dst, dst, src, weights, bias})
      memory_.push_back(random_memory(d, rng));
  }

  void step() {
    enum { kSrc, kWeights, kBias, kDst, kDiffDst, kDiffSrc, kDiffWeights, kDiffBias };
    forward_.execute(stream_, {{DNNL_ARG_SRC, memory_[kSrc]},
                               {DNNL_ARG_WEIGHTS, memory_[kWeights]},
                               {DNNL_ARG_BIAS, memory_[kBias]},
                               {DNNL_ARG_DST, memory_[kDst]}});
    backward_data_.execute(stream_, {{DNNL_ARG_DIFF_DST, memory_[kDiffDst]},
                                     {DNNL_ARG_WEIGHTS, memory_[kWeights]},
                                     {DNNL_ARG_DIFF_SRC, memory_[kDiffSrc]}});
    backward_weights_.execute(stream_, {{DNNL_ARG_SRC, memory_[kSrc]},
                                        {DNNL_ARG_DIFF_DST, memory_[kDiffDst]},
                                        {DNNL_ARG_DIFF_WEIGHTS, memory_[kDiffWeights]},
                                        {DNNL_ARG_DIFF_BIAS, memory_[kDiffBias]}});
    stream_.wait();
  }

  const std::string& implementation() const { return implementation_; }

 private:
  dnnl::memory random_memory(const dnnl::memory::desc& d, Rng& rng) {
    dnnl::memory m(d, engine_);
    auto* data = static_cast<float*>(m.get_data_handle());
    for (size_t i = 0; i < d.get_size() / sizeof(float); ++i)
      data[i] = static_cast<float>(rng.normal());
    return m;
  }

  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream_{engine_};
  dnnl::convolution_forward forward_;
  dnnl::convolution_backward_data backward_data_;
  dnnl::convolution_backward_weights backward_weights_;
  std::vector<dnnl::memory> memory_;
  std::string implementation_;
};

void BM_Conv2dOneDnn(benchmark::State& state) {
  const ConvShape& s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  // oneDNN's OpenMP runtime takes its thread count from OpenMP, also when it builds the
  // primitives: set it first, put it back after.
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  {
    DnnlConv conv(s);
    for (auto _ : state) conv.step();
    state.SetLabel(
        fmt::format("oneDNN f32 {}, {}", conv.implementation(), shape_label(s, threads)));
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}
BENCHMARK(BM_Conv2dOneDnn)
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
#endif

}  // namespace
}  // namespace qmf::bench
