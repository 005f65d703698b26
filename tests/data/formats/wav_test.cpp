// WAV reading: valid 8- and 16-bit files decode exactly, and every malformed or unsupported file
// gives a qmf::Error that names the file and the problem, never an out-of-bounds read.
#include "data/formats/wav.h"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/fetch/temp_dir.h"
#include "support/wav_write.h"

namespace qmf::data {
namespace {

using testing::Bytes;
using testing::fmt_chunk;
using testing::riff_wave;
using testing::wav_chunk;
using testing::WavFormat;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, haystack)

// The message of the qmf::Error that parsing `bytes` as "x.wav" throws.
std::string parse_error(const Bytes& bytes) {
  try {
    parse_wav(bytes, "x.wav");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no qmf::Error thrown";
  return "";
}

void expect_rejected(const Bytes& bytes, const std::string& problem) {
  const std::string message = parse_error(bytes);
  EXPECT_EQ(message.rfind("x.wav: ", 0), 0u) << message;  // the file is named first
  EXPECT_CONTAINS(message, problem);
}

Bytes data16(const std::vector<int16_t>& samples) {
  return wav_chunk("data", testing::pcm16_payload(samples));
}

// A 5-byte LIST chunk: odd, so a pad byte follows it.
Bytes list_chunk() { return wav_chunk("LIST", {'I', 'N', 'F', 'O', '!'}); }

TEST(Wav, Reads16BitSignedWithListChunk) {
  const Bytes bytes = riff_wave({list_chunk(), fmt_chunk({}), list_chunk(),
                                 data16({0, 16384, -32768, 32767, -1}), list_chunk()});
  const Wav wav = parse_wav(bytes, "x.wav");
  EXPECT_EQ(wav.sample_rate, 8000);
  const std::vector<float> expected = {0.0f, 0.5f, -1.0f, 32767.0f / 32768.0f, -1.0f / 32768.0f};
  EXPECT_EQ(wav.samples, expected);
}

TEST(Wav, Reads8BitUnsignedWithListChunk) {
  const Bytes bytes = riff_wave({fmt_chunk({.bits = 8}), list_chunk(),
                                 wav_chunk("data", {128, 0, 255, 192, 64, 129}), list_chunk()});
  const Wav wav = parse_wav(bytes, "x.wav");
  EXPECT_EQ(wav.sample_rate, 8000);
  const std::vector<float> expected = {0.0f, -1.0f, 127.0f / 128.0f, 0.5f, -0.5f, 1.0f / 128.0f};
  EXPECT_EQ(wav.samples, expected);
}

TEST(Wav, ToleratesAMissingPadByteAtTheEnd) {
  Bytes bytes = riff_wave({fmt_chunk({.bits = 8}), wav_chunk("data", {1, 2, 3})});
  bytes.pop_back();  // the pad byte after the odd data chunk
  EXPECT_EQ(parse_wav(bytes, "x.wav").samples.size(), 3u);
}

TEST(Wav, ReadsAFile) {
  const TempDir tmp("qmf-wav-test");
  testing::write_bytes(tmp.path() / "a.wav", testing::wav16({100, -200}));
  const Wav wav = read_wav(tmp.path() / "a.wav");
  EXPECT_EQ(wav.samples, (std::vector<float>{100.0f / 32768.0f, -200.0f / 32768.0f}));
}

TEST(WavRejects, MissingFileNamingIt) {
  const TempDir tmp("qmf-wav-test");
  const std::string path = (tmp.path() / "none.wav").string();
  try {
    read_wav(path);
    ADD_FAILURE() << "no qmf::Error thrown";
  } catch (const Error& e) {
    EXPECT_CONTAINS(std::string(e.what()), path);
  }
}

TEST(WavRejects, TruncatedRiffHeader) {
  expect_rejected({'R', 'I', 'F', 'F', 0, 0}, "truncated: 6 bytes, shorter than the 12-byte");
}

TEST(WavRejects, NotRiff) {
  Bytes bytes = testing::wav16({1});
  bytes[0] = 'J';
  expect_rejected(bytes, "not a WAV file: starts with 'JIFF'");
}

TEST(WavRejects, BigEndianRifx) {
  Bytes bytes = testing::wav16({1});
  bytes[3] = 'X';
  expect_rejected(bytes, "big-endian RIFX");
}

TEST(WavRejects, NotWave) {
  Bytes bytes = testing::wav16({1});
  bytes[8] = 'A';
  expect_rejected(bytes, "a RIFF file of type 'AAVE', not 'WAVE'");
}

TEST(WavRejects, TruncatedChunkHeader) {
  Bytes bytes = testing::wav16({1});
  bytes.insert(bytes.end(), {'L', 'I', 'S'});
  expect_rejected(bytes, "3 stray bytes at offset");
}

TEST(WavRejects, TruncatedChunk) {
  Bytes bytes = riff_wave({fmt_chunk({})});
  bytes.erase(bytes.end() - 4, bytes.end());
  expect_rejected(bytes, "the 'fmt ' chunk at offset 12 claims 16 bytes but only 12 bytes follow");
}

TEST(WavRejects, DataChunkLargerThanTheFile) {
  const Bytes bytes =
      riff_wave({fmt_chunk({}), wav_chunk("data", testing::pcm16_payload({1, 2}), 1000)});
  expect_rejected(bytes, "the 'data' chunk at offset 36 claims 1000 bytes but only 4 bytes follow");
}

TEST(WavRejects, HugeChunkSizeDoesNotWrap) {
  const Bytes bytes = riff_wave({fmt_chunk({}), wav_chunk("data", {0, 0}, 0xffffffff)});
  expect_rejected(bytes, "claims 4294967295 bytes");
}

TEST(WavRejects, MissingFmtChunk) { expect_rejected(riff_wave({data16({1})}), "no 'fmt ' chunk"); }

TEST(WavRejects, MissingDataChunk) {
  expect_rejected(riff_wave({fmt_chunk({}), list_chunk()}), "no 'data' chunk");
}

TEST(WavRejects, RepeatedChunks) {
  expect_rejected(riff_wave({fmt_chunk({}), fmt_chunk({}), data16({1})}),
                  "more than one 'fmt ' chunk");
  expect_rejected(riff_wave({fmt_chunk({}), data16({1}), data16({1})}),
                  "more than one 'data' chunk");
}

TEST(WavRejects, ShortFmtChunk) {
  expect_rejected(riff_wave({wav_chunk("fmt ", Bytes(12, 0)), data16({1})}),
                  "the 'fmt ' chunk has 12 bytes, fewer than the 16");
}

TEST(WavRejects, NonPcmFormats) {
  expect_rejected(riff_wave({fmt_chunk({.tag = 3, .bits = 32}), data16({1, 2})}),
                  "format tag 0x0003 (IEEE float); only uncompressed PCM (tag 1) is supported");
  expect_rejected(riff_wave({fmt_chunk({.tag = 0xfffe}), data16({1})}),
                  "format tag 0xfffe (WAVE_FORMAT_EXTENSIBLE)");
}

TEST(WavRejects, Stereo) {
  expect_rejected(riff_wave({fmt_chunk({.channels = 2}), data16({1, 2})}),
                  "2 channels; only mono recordings are supported");
}

TEST(WavRejects, OtherSampleRates) {
  expect_rejected(riff_wave({fmt_chunk({.sample_rate = 16000}), data16({1})}),
                  "sample rate 16000 Hz; only 8000 Hz recordings are supported");
}

TEST(WavRejects, OtherSampleWidths) {
  expect_rejected(riff_wave({fmt_chunk({.bits = 24}), wav_chunk("data", Bytes(6, 0))}),
                  "24 bits per sample; only 8-bit and 16-bit PCM are supported");
}

TEST(WavRejects, InconsistentBlockAlign) {
  expect_rejected(riff_wave({fmt_chunk({.block_align = 4}), data16({1, 2})}),
                  "block align 4 does not match 1 channel x 16 bits (2 bytes)");
}

TEST(WavRejects, NoSamples) {
  expect_rejected(riff_wave({fmt_chunk({}), wav_chunk("data", {})}),
                  "no samples: the 'data' chunk is empty");
}

TEST(WavRejects, PartialSample) {
  expect_rejected(riff_wave({fmt_chunk({}), wav_chunk("data", {1, 2, 3})}),
                  "the 'data' chunk has 3 bytes, not a whole number of 2-byte samples");
}

// Every prefix of a valid file and many random corruptions either parse or throw qmf::Error:
// nothing else escapes (and, under a sanitizer, nothing is read out of bounds).
TEST(WavRejects, PrefixesAndCorruptionsNeverCrash) {
  const Bytes good = riff_wave({list_chunk(), fmt_chunk({}), data16({1, -2, 3, -4}), list_chunk()});
  const auto parse_or_error = [](const Bytes& bytes) {
    try {
      parse_wav(bytes, "x.wav");
    } catch (const Error&) {
    }
  };
  for (size_t n = 0; n <= good.size(); ++n) {
    parse_or_error(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
  }
  Rng rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    Bytes bytes = good;
    for (int flips = 0; flips < 3; ++flips) {
      bytes[rng.below(bytes.size())] = static_cast<uint8_t>(rng.below(256));
    }
    parse_or_error(bytes);
  }
}

}  // namespace
}  // namespace qmf::data
