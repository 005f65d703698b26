#include "data/features/spectrogram.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>

#include <fftw3.h>

#include "core/error.h"

namespace qmf::data {
namespace {

constexpr size_t kHalfFrame = kSpectrogramFrameLength / 2;
constexpr size_t kBins = kSpectrogramFrameLength / 2 + 1;  // r2c output, Nyquist included

// FFTW's planner (plan creation and destruction) is not thread-safe; fftw_execute is.
std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<double> hann_window() {
  std::vector<double> w(kSpectrogramFrameLength);
  for (size_t j = 0; j < w.size(); ++j) {
    const double phase = 2.0 * std::numbers::pi * static_cast<double>(j) /
                         static_cast<double>(kSpectrogramFrameLength);
    w[j] = 0.5 - 0.5 * std::cos(phase);
  }
  return w;
}

// Writes the signal fitted to kSpectrogramSamples (centred or cropped, see the header) into
// `padded`, which already holds kHalfFrame zeros before and after the fitted span.
void fit_signal(std::span<const float> samples, std::vector<double>& padded) {
  std::fill(padded.begin(), padded.end(), 0.0);
  const size_t n = samples.size();
  const size_t kept = std::min(n, kSpectrogramSamples);
  const size_t skip = n > kSpectrogramSamples ? (n - kSpectrogramSamples) / 2 : 0;
  const size_t offset = n < kSpectrogramSamples ? (kSpectrogramSamples - n) / 2 : 0;
  std::copy_n(samples.begin() + static_cast<std::ptrdiff_t>(skip), kept,
              padded.begin() + static_cast<std::ptrdiff_t>(kHalfFrame + offset));
}

}  // namespace

// The plan with the buffers it was made for; an FFTW plan is tied to its arrays.
struct SpectrogramMaker::Fft {
  double* frame = nullptr;           // kSpectrogramFrameLength real inputs
  fftw_complex* spectrum = nullptr;  // kBins outputs
  fftw_plan plan = nullptr;

  Fft() {
    frame = fftw_alloc_real(kSpectrogramFrameLength);
    spectrum = fftw_alloc_complex(kBins);
    if (frame != nullptr && spectrum != nullptr) {
      // FFTW_ESTIMATE: no timing runs, so planning is instant and never touches the buffers.
      const std::lock_guard lock(fftw_planner_mutex());
      plan = fftw_plan_dft_r2c_1d(static_cast<int>(kSpectrogramFrameLength), frame, spectrum,
                                  FFTW_ESTIMATE);
    }
    if (plan == nullptr) {
      release();
      throw Error("spectrogram: cannot allocate the FFT buffers or make the FFTW plan");
    }
  }
  ~Fft() { release(); }
  Fft(const Fft&) = delete;
  Fft& operator=(const Fft&) = delete;

  void release() {
    if (plan != nullptr) {
      const std::lock_guard lock(fftw_planner_mutex());
      fftw_destroy_plan(plan);
    }
    fftw_free(spectrum);  // fftw_free accepts nullptr, as free does
    fftw_free(frame);
    plan = nullptr;
    spectrum = nullptr;
    frame = nullptr;
  }
};

SpectrogramMaker::SpectrogramMaker()
    : fft_(std::make_unique<Fft>()),
      window_(hann_window()),
      padded_(kHalfFrame + kSpectrogramSamples + kHalfFrame, 0.0) {}

SpectrogramMaker::~SpectrogramMaker() = default;
SpectrogramMaker::SpectrogramMaker(SpectrogramMaker&&) noexcept = default;
SpectrogramMaker& SpectrogramMaker::operator=(SpectrogramMaker&&) noexcept = default;

std::vector<float> SpectrogramMaker::operator()(std::span<const float> samples) {
  QMF_CHECK(fft_ != nullptr, "spectrogram maker used after being moved from");
  fit_signal(samples, padded_);
  std::vector<float> out(kSpectrogramSize);
  for (size_t f = 0; f < kSpectrogramFrames; ++f) {
    // Frame f starts at padded index hop * f, i.e. fitted index hop * f - kHalfFrame.
    const double* start = padded_.data() + f * kSpectrogramHop;
    for (size_t j = 0; j < kSpectrogramFrameLength; ++j) fft_->frame[j] = window_[j] * start[j];
    fftw_execute(fft_->plan);
    for (size_t b = 0; b < kSpectrogramBands; ++b) {
      double sum = 0.0;
      for (size_t k = b * kSpectrogramBinsPerBand; k < (b + 1) * kSpectrogramBinsPerBand; ++k) {
        // Not std::hypot: its guard against overflow is useless at audio magnitudes (<= 256 for
        // samples in [-1, 1]) and makes it the slowest step of the whole spectrogram.
        const double re = fft_->spectrum[k][0];
        const double im = fft_->spectrum[k][1];
        sum += std::sqrt(re * re + im * im);
      }
      const double mean = sum / static_cast<double>(kSpectrogramBinsPerBand);
      out[f * kSpectrogramBands + b] = static_cast<float>(std::log1p(mean));
    }
  }
  return out;
}

}  // namespace qmf::data
