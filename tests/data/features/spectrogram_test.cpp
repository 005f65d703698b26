// The spectrogram: its size and layout, where sines and impulses land (fit, frames, bands), and
// agreement with a direct DFT of the definition in data/features/spectrogram.h.
#include "data/features/spectrogram.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng.h"

namespace qmf::data {
namespace {

constexpr double kPi = std::numbers::pi;

float at(const std::vector<float>& s, size_t frame, size_t band) {
  return s[frame * kSpectrogramBands + band];
}

std::vector<float> sine(double hz, double amplitude, size_t n) {
  std::vector<float> x(n);
  for (size_t t = 0; t < n; ++t) {
    x[t] = static_cast<float>(
        amplitude * std::sin(2 * kPi * hz * static_cast<double>(t) / kSpectrogramSampleRate));
  }
  return x;
}

// A signal of n zeros with a unit impulse at sample p.
std::vector<float> impulse(size_t n, size_t p) {
  std::vector<float> x(n, 0.0f);
  x[p] = 1.0f;
  return x;
}

// The frames holding anything non-zero.
std::vector<size_t> lit_frames(const std::vector<float>& s) {
  std::vector<size_t> frames;
  for (size_t f = 0; f < kSpectrogramFrames; ++f) {
    for (size_t b = 0; b < kSpectrogramBands; ++b) {
      if (at(s, f, b) != 0.0f) {
        frames.push_back(f);
        break;
      }
    }
  }
  return frames;
}

// The definition in the header, term by term: fit, pad, window, DFT, band means, log1p.
std::vector<double> naive_spectrogram(const std::vector<float>& x) {
  const size_t n = x.size();
  const size_t len = kSpectrogramFrameLength;
  std::vector<double> fitted(kSpectrogramSamples, 0.0);
  for (size_t i = 0; i < kSpectrogramSamples; ++i) {
    // fitted[i] = x[i - offset] (shorter signal) or x[i + skip] (longer one).
    const ptrdiff_t source =
        n < kSpectrogramSamples
            ? static_cast<ptrdiff_t>(i) - static_cast<ptrdiff_t>((kSpectrogramSamples - n) / 2)
            : static_cast<ptrdiff_t>(i + (n - kSpectrogramSamples) / 2);
    if (source >= 0 && source < static_cast<ptrdiff_t>(n))
      fitted[i] = static_cast<double>(x[static_cast<size_t>(source)]);
  }
  std::vector<double> out;
  for (size_t f = 0; f < kSpectrogramFrames; ++f) {
    std::vector<double> magnitude(len / 2);
    for (size_t k = 0; k < len / 2; ++k) {
      std::complex<double> sum = 0;
      for (size_t j = 0; j < len; ++j) {
        const ptrdiff_t t = static_cast<ptrdiff_t>(kSpectrogramHop * f + j) - 256;
        if (t < 0 || t >= static_cast<ptrdiff_t>(kSpectrogramSamples)) continue;
        const double w = 0.5 - 0.5 * std::cos(2 * kPi * static_cast<double>(j) / len);
        sum += w * fitted[static_cast<size_t>(t)] *
               std::polar(1.0, -2 * kPi * static_cast<double>(j * k % len) / len);
      }
      magnitude[k] = std::abs(sum);
    }
    for (size_t b = 0; b < kSpectrogramBands; ++b) {
      double mean = 0;
      for (size_t k = 8 * b; k < 8 * b + 8; ++k) mean += magnitude[k] / 8;
      out.push_back(std::log(1 + mean));
    }
  }
  return out;
}

TEST(Spectrogram, Has1024NonNegativeValues) {
  SpectrogramMaker make;
  const std::vector<float> s = make(sine(440, 0.5, 3360));
  ASSERT_EQ(s.size(), 1024u);
  EXPECT_EQ(kSpectrogramSize, 1024u);
  for (float v : s) {
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_GE(v, 0.0f);
  }
}

TEST(Spectrogram, SilenceGivesAllZeros) {
  SpectrogramMaker make;
  for (size_t n : {size_t{0}, size_t{1}, size_t{3000}, size_t{8192}, size_t{20000}}) {
    const std::vector<float> s = make(std::vector<float>(n, 0.0f));
    ASSERT_EQ(s.size(), kSpectrogramSize);
    EXPECT_TRUE(std::all_of(s.begin(), s.end(), [](float v) { return v == 0.0f; })) << n;
  }
}

// A sine at the centre bin of band b (bin 8b + 4, i.e. 125 b + 62.5 Hz) puts the largest value
// of every frame it fills in band b.
TEST(Spectrogram, SineAtABandCentrePeaksInThatBand) {
  SpectrogramMaker make;
  for (size_t band : {size_t{1}, size_t{7}, size_t{16}, size_t{31}}) {
    const double hz = 125.0 * static_cast<double>(band) + 62.5;
    const std::vector<float> s = make(sine(hz, 0.5, kSpectrogramSamples));
    for (size_t f = 4; f < 28; ++f) {
      const auto row = s.begin() + static_cast<ptrdiff_t>(f * kSpectrogramBands);
      const auto peak = std::max_element(row, row + kSpectrogramBands) - row;
      EXPECT_EQ(static_cast<size_t>(peak), band) << "frame " << f << ", " << hz << " Hz";
    }
    // Periodic Hann, whole cycles per frame: the centre bin has magnitude amplitude * 512 / 4 =
    // 64, its two neighbours 32 each and every other bin 0, so the band's mean is 128 / 8 = 16.
    EXPECT_NEAR(at(s, 16, band), std::log(17.0), 1e-3);
  }
}

// An impulse at fitted sample 256 f lies at the centre of frame f (window 1) and on the zero
// end of the window of frame f + 1; its flat spectrum gives log(1 + 1) in every band.
void expect_impulse_in_frame(size_t n, size_t position, size_t frame) {
  SpectrogramMaker make;
  const std::vector<float> s = make(impulse(n, position));
  EXPECT_EQ(lit_frames(s), std::vector<size_t>{frame}) << "n " << n << ", impulse at " << position;
  for (size_t b = 0; b < kSpectrogramBands; ++b) {
    EXPECT_NEAR(at(s, frame, b), std::log(2.0), 1e-6);
  }
}

TEST(Spectrogram, ShortSignalIsCentred) {
  // 4000 samples start at (8192 - 4000) / 2 = 2096; 2096 + 464 = 2560 = 256 * 10.
  expect_impulse_in_frame(4000, 464, 10);
  // Odd leftover: 4001 samples start at 2095 (rounded down), so sample 465 is at 2560.
  expect_impulse_in_frame(4001, 465, 10);
  // 512 samples start at 3840 = 256 * 15.
  expect_impulse_in_frame(512, 0, 15);
}

TEST(Spectrogram, LongSignalKeepsItsCentre) {
  // 10000 samples: the central 8192 start at 904; 904 + 256 * 20 = 6024.
  expect_impulse_in_frame(10000, 6024, 20);
  expect_impulse_in_frame(10000, 904, 0);
  // Samples outside the central 8192 are cropped away.
  SpectrogramMaker make;
  for (size_t p : {size_t{0}, size_t{903}, size_t{904 + 8192}, size_t{9999}}) {
    EXPECT_TRUE(lit_frames(make(impulse(10000, p))).empty()) << p;
  }
}

TEST(Spectrogram, ExactLengthIsUsedAsIs) {
  expect_impulse_in_frame(kSpectrogramSamples, 0, 0);
  expect_impulse_in_frame(kSpectrogramSamples, kSpectrogramHop * 31, 31);
}

TEST(Spectrogram, MatchesADirectDft) {
  Rng rng(3);
  SpectrogramMaker make;
  for (size_t n : {size_t{3000}, size_t{9001}}) {
    std::vector<float> x(n);
    for (float& v : x) v = static_cast<float>(rng.uniform(-1, 1));
    const std::vector<float> fast = make(x);
    const std::vector<double> slow = naive_spectrogram(x);
    ASSERT_EQ(fast.size(), slow.size());
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_NEAR(fast[i], slow[i], 1e-5 * std::max(1.0, slow[i])) << "n " << n << ", value " << i;
    }
  }
}

// A maker reused after a loud, long recording keeps nothing of it.
TEST(Spectrogram, MakerIsReusableAndMovable) {
  SpectrogramMaker make;
  const std::vector<float> first = make(sine(1000, 0.9, 5000));
  make(sine(300, 0.9, 20000));
  SpectrogramMaker moved = std::move(make);
  EXPECT_EQ(moved(sine(1000, 0.9, 5000)), first);
  const std::vector<float> quiet = moved(std::vector<float>(100, 0.0f));
  EXPECT_TRUE(std::all_of(quiet.begin(), quiet.end(), [](float v) { return v == 0.0f; }));
}

}  // namespace
}  // namespace qmf::data
