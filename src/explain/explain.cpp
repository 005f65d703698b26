#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/error.h"
#include "data/batch.h"
#include "explain/ablation.h"
#include "explain/explanation.h"
#include "model/readout.h"
#include "nn/argmax.h"
#include "train/progress.h"

namespace qmf::explain {
namespace {

using Stage = model::QmfnnProbe::Stage;

class Explainer {
 public:
  Explainer(model::QmfnnProbe& probe, Explanation& out, size_t max_pass_amplitudes)
      : probe_(probe),
        out_(out),
        k_(out.k),
        max_rows_(std::max<size_t>(1, max_pass_amplitudes >> qubits())) {}

  // Fills rows [first, first + y.size()) of the explanation.
  void batch(const std::vector<nn::Matrix>& x, std::span<const int> y, size_t first) {
    const Registers registers = probe_.registers(x);
    const nn::Matrix probs = class_probs(marginals(registers));
    for (size_t b = 0; b < y.size(); ++b) {
      const auto row = static_cast<nn::Index>(first + b);
      out_.label[first + b] = y[b];
      out_.prediction[first + b] = nn::argmax(probs, static_cast<nn::Index>(b));
      out_.probs.row(row) = probs.row(static_cast<nn::Index>(b));
    }
    for (size_t m = 0; m < k_.size(); ++m) ablate(registers, probs, y, first, m);
    out_.entropy_fusion.middleRows(static_cast<nn::Index>(first),
                                   static_cast<nn::Index>(y.size())) =
        entropies(registers, Stage::fusion);
    out_.entropy_circuit.middleRows(static_cast<nn::Index>(first),
                                    static_cast<nn::Index>(y.size())) =
        entropies(registers, Stage::circuit);
    keep_distributions(registers, first, y.size());
  }

 private:
  int qubits() const { return std::accumulate(k_.begin(), k_.end(), 0); }

  static double log_p(double p) { return std::log(p + model::kProbFloor); }

  // Runs `pass` on slices of at most max_rows_ rows and stacks the results.
  template <typename Pass>
  nn::Matrix sliced(const Registers& registers, Pass pass) {
    const size_t rows = register_rows(registers, k_);
    if (rows <= max_rows_) return pass(registers);
    nn::Matrix out;
    for (size_t first = 0; first < rows; first += max_rows_) {
      const size_t count = std::min(max_rows_, rows - first);
      const nn::Matrix part = pass(register_slice(registers, k_, first, count));
      if (first == 0) out.resize(static_cast<nn::Index>(rows), part.cols());
      out.middleRows(static_cast<nn::Index>(first), part.rows()) = part;
    }
    return out;
  }

  nn::Matrix run(const Registers& registers) {
    out_.circuit_runs += register_rows(registers, k_);
    nn::Matrix marginal, probs;
    probe_.run_from(registers, marginal, probs);
    return marginal;
  }

  nn::Matrix marginals(const Registers& registers) {
    return sliced(registers, [&](const Registers& r) { return run(r); });
  }

  // Register m maximally mixed: the output distributions of its 2^k_m basis states summed per
  // sample, slice by slice, then averaged.
  nn::Matrix mixed_marginals(const Registers& registers, size_t m) {
    const size_t group = size_t{1} << k_[m], rows = register_rows(registers, k_) * group;
    nn::Matrix sum;
    for (size_t first = 0; first < rows; first += max_rows_) {
      const size_t count = std::min(max_rows_, rows - first);
      const nn::Matrix part = run(with_basis_registers(registers, k_, m, first, count));
      if (first == 0) sum = nn::Matrix::Zero(static_cast<nn::Index>(rows / group), part.cols());
      for (size_t r = 0; r < count; ++r)
        sum.row(static_cast<nn::Index>((first + r) / group)) += part.row(static_cast<nn::Index>(r));
    }
    return sum / static_cast<double>(group);
  }

  nn::Matrix entropies(const Registers& registers, Stage stage) {
    return sliced(registers, [&](const Registers& r) {
      out_.circuit_runs += register_rows(r, k_);
      return probe_.register_entropies(r, stage);
    });
  }

  nn::Matrix class_probs(const nn::Matrix& marginal) {
    nn::Matrix probs;
    probe_.readout_probs(marginal, probs);
    return probs;
  }

  void ablate(const Registers& registers, const nn::Matrix& probs, std::span<const int> y,
              size_t first, size_t m) {
    const nn::Matrix uniform = class_probs(marginals(with_uniform_register(registers, k_, m)));
    // The maximally mixed register: average the output distributions over its basis states,
    // then read out (the readout is not linear, the distributions are).
    const nn::Matrix mixed = class_probs(mixed_marginals(registers, m));
    const auto col = static_cast<nn::Index>(m);
    for (size_t b = 0; b < y.size(); ++b) {
      const auto i = static_cast<nn::Index>(b), row = static_cast<nn::Index>(first + b);
      const double p = log_p(probs(i, y[b]));
      out_.attribution_uniform(row, col) = p - log_p(uniform(i, y[b]));
      out_.attribution_mixed(row, col) = p - log_p(mixed(i, y[b]));
      out_.prediction_ablated(row, col) = nn::argmax(uniform, i);
      out_.prediction_mixed(row, col) = nn::argmax(mixed, i);
    }
  }

  void keep_distributions(const Registers& registers, size_t first, size_t count) {
    for (size_t b = first; b < std::min(first + count, out_.distributions.size()); ++b) {
      for (size_t m = 0; m < k_.size(); ++m) {
        const size_t w = size_t{1} << k_[m];
        auto& d = out_.distributions[b][m];
        d.resize(w);
        for (size_t j = 0; j < w; ++j) d[j] = std::norm(registers[m][(b - first) * w + j]);
      }
    }
  }

  model::QmfnnProbe& probe_;
  Explanation& out_;
  const std::vector<int>& k_;
  size_t max_rows_;
};

// An explanation of n samples, every row still to be filled.
Explanation blank_explanation(const model::QmfnnProbe& probe, size_t n, size_t examples) {
  Explanation e;
  e.classes = probe.spec().classes;
  e.k = probe.spec().settings.k;
  const auto rows = static_cast<nn::Index>(n), m = static_cast<nn::Index>(e.k.size());
  e.label.resize(n);
  e.prediction.resize(n);
  e.probs.resize(rows, e.classes);
  for (nn::Matrix* per_modality :
       {&e.attribution_uniform, &e.attribution_mixed, &e.entropy_fusion, &e.entropy_circuit})
    per_modality->resize(rows, m);
  e.prediction_ablated.resize(rows, m);
  e.prediction_mixed.resize(rows, m);
  e.distributions.resize(std::min(examples, n), std::vector<std::vector<double>>(e.k.size()));
  return e;
}

// Amplitudes a batch may run through the circuit in all (its rows times 2^n, over every pass):
// about a second of simulation, so that the progress line moves about once a second.
constexpr size_t kBatchAmplitudes = size_t{1} << 26;

// Samples per batch: options.batch, fewer when wide registers make each sample's circuit runs
// (3 + M + sum of 2^k_m rows of 2^n amplitudes) exceed kBatchAmplitudes; at least one.
size_t batch_size(const model::QmfnnProbe& probe, const Options& options) {
  const std::vector<int>& k = probe.spec().settings.k;
  size_t rows = 3 + k.size();
  for (const int km : k) rows += size_t{1} << km;
  const size_t per_sample = rows << std::accumulate(k.begin(), k.end(), 0);
  return std::clamp<size_t>(kBatchAmplitudes / per_sample, 1, options.batch);
}

// The mean loss (-log p(y)) and accuracy of the samples explained so far, for the progress line.
class Tally {
 public:
  void add(const Explanation& e, size_t first, size_t last) {
    for (size_t i = first; i < last; ++i) {
      loss_ -= std::log(e.probs(static_cast<nn::Index>(i), e.label[i]) + model::kProbFloor);
      correct_ += e.prediction[i] == e.label[i];
    }
    done_ = last;
  }
  void report(train::Progress& progress) const {
    const auto n = static_cast<double>(done_);
    progress.update(done_, loss_ / n, correct_ / n);
  }

 private:
  double loss_ = 0, correct_ = 0;
  size_t done_ = 0;
};

}  // namespace

Explanation explain(model::QmfnnProbe& probe, const data::Split& split, const Options& options) {
  QMF_CHECK(options.batch > 0, "batch of 0");
  Explanation out = blank_explanation(probe, split.size(), options.examples);
  Explainer explainer(probe, out, options.max_pass_amplitudes);
  const size_t batch = batch_size(probe, options);
  if (options.progress)
    options.progress->start(fmt::format("explain {} samples", split.size()), split.size());
  Tally tally;
  std::vector<size_t> idx;
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  for (size_t first = 0; first < split.size(); first += batch) {
    idx.resize(std::min(batch, split.size() - first));
    std::iota(idx.begin(), idx.end(), first);
    data::gather(split, idx, x, y);
    explainer.batch(x, y, first);
    tally.add(out, first, first + idx.size());
    if (options.progress) tally.report(*options.progress);
  }
  if (options.progress)
    options.progress->finish(
        fmt::format("explained {} test samples: {} circuit runs", split.size(), out.circuit_runs));
  return out;
}

}  // namespace qmf::explain
