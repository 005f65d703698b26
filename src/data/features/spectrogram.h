#pragma once
// A fixed-size log-magnitude spectrogram of an 8 kHz recording, the audio features of the
// spoken-digit views: every recording, whatever its length, becomes 32 frames x 32 bands.
//
// Exactly:
//  1. Fit: the signal is fitted to kSpectrogramSamples = 8192 samples (1.024 s at 8 kHz). A
//     shorter one is centred with zeros on both sides, starting at (8192 - n) / 2 (rounded down,
//     so an odd leftover zero goes at the end); a longer one keeps its central 8192 samples,
//     from (n - 8192) / 2 (rounded down).
//  2. Frames: the fitted signal is zero-padded by 256 samples on each side; frame f
//     (f = 0..31) is the 512 samples centred at t = 256 f, i.e. fitted samples
//     [256 f - 256, 256 f + 256), multiplied by the periodic Hann window
//     w[j] = 0.5 - 0.5 cos(2 pi j / 512), j = 0..511 (w = 1 at the frame's centre, j = 256).
//  3. Spectrum: X_f[k] = sum_j w[j] x[256 f - 256 + j] exp(-2 pi i j k / 512), unnormalised
//     (a real FFT, FFTW r2c). Bins k = 0..255 cover 0 to 3984.375 Hz in steps of 15.625 Hz; the
//     Nyquist bin 256 is dropped.
//  4. Bands: band b (b = 0..31) averages the magnitudes |X_f[k]| of its 8 bins k = 8 b .. 8 b + 7
//     (125 Hz per band, from 125 b Hz), and the value is log(1 + mean magnitude).
// Output: kSpectrogramSize = 1024 floats, frames x bands, row-major (row = frame), all >= 0;
// silence gives all zeros. With samples in [-1, 1) a value stays below log(1 + 256) ~ 5.55.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace qmf::data {

inline constexpr int kSpectrogramSampleRate = 8000;  // Hz; the fit and bands assume it
inline constexpr size_t kSpectrogramSamples = 8192;  // the fitted length
inline constexpr size_t kSpectrogramFrameLength = 512;
inline constexpr size_t kSpectrogramHop = 256;
inline constexpr size_t kSpectrogramFrames = 32;
inline constexpr size_t kSpectrogramBinsPerBand = 8;
inline constexpr size_t kSpectrogramBands = 32;
inline constexpr size_t kSpectrogramSize = kSpectrogramFrames * kSpectrogramBands;

static_assert(kSpectrogramFrames * kSpectrogramHop == kSpectrogramSamples,
              "frames centred every hop must span the fitted signal");
static_assert(kSpectrogramBands * kSpectrogramBinsPerBand == kSpectrogramFrameLength / 2,
              "the bands must cover every bin below Nyquist exactly once");

// Owns an FFTW plan and its buffers, made once and reused for every recording. A maker is
// stateful and must be used from one thread at a time (give each thread its own). Making and
// destroying makers is safe from any thread: FFTW's planner is not thread-safe, so those steps
// are serialised inside.
class SpectrogramMaker {
 public:
  SpectrogramMaker();
  ~SpectrogramMaker();
  SpectrogramMaker(const SpectrogramMaker&) = delete;
  SpectrogramMaker& operator=(const SpectrogramMaker&) = delete;
  SpectrogramMaker(SpectrogramMaker&& other) noexcept;
  SpectrogramMaker& operator=(SpectrogramMaker&& other) noexcept;

  // The spectrogram of an 8 kHz signal (see above): kSpectrogramSize values, frames x bands.
  // Any length is accepted, empty included (all zeros).
  std::vector<float> operator()(std::span<const float> samples);

 private:
  struct Fft;  // the FFTW plan and buffers, so this header does not need <fftw3.h>
  std::unique_ptr<Fft> fft_;
  std::vector<double> window_;  // the Hann window, kSpectrogramFrameLength values
  std::vector<double> padded_;  // the fitted signal with half a frame of zeros on each side
};

}  // namespace qmf::data
