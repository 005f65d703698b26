#pragma once
// A reader for the WAV recordings of the Free Spoken Digit Dataset: RIFF/WAVE files holding
// uncompressed PCM, mono, 8000 Hz, 8-bit (unsigned) or 16-bit (signed, little-endian) samples.
// Anything else is refused rather than converted, so a recording from another source cannot
// slip in at a different rate or layout. Every check failure throws qmf::Error naming the file.
//
// Layout walked: "RIFF" <u32 size> "WAVE", then chunks <4-byte id> <u32 size> <payload>, each
// payload padded to an even length. The "fmt " and "data" chunks are required; others (LIST,
// fact, ...) are skipped.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace qmf::data {

inline constexpr int kWavSampleRate = 8000;  // the only rate accepted

struct Wav {
  int sample_rate = 0;
  std::vector<float> samples;  // mono, scaled to [-1, 1): 16-bit by 1/32768, 8-bit by 1/128
};

// Parses a whole WAV file held in memory; `name` is what error messages call it.
Wav parse_wav(std::span<const uint8_t> bytes, const std::string& name);

// Reads and parses `file` (through read_file_bytes, so a gzip-compressed copy reads too).
Wav read_wav(const std::filesystem::path& file);

}  // namespace qmf::data
