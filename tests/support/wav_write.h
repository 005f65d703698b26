#pragma once
// WAV files built byte by byte for the audio tests: well-formed ones for the FSDD fixtures, and
// the pieces (chunks, fmt fields) to assemble broken ones. All fields little-endian.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/file_write.h"

namespace qmf::testing {

using Bytes = std::vector<uint8_t>;

inline void put_u16(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

inline void put_u32(Bytes& out, uint32_t v) {
  put_u16(out, v & 0xffff);
  put_u16(out, v >> 16);
}

inline void put_id(Bytes& out, const std::string& id) {
  out.insert(out.end(), id.begin(), id.end());
}

// The fields of a 16-byte PCM "fmt " chunk; block_align 0 means channels * bits / 8.
struct WavFormat {
  uint16_t tag = 1;
  uint16_t channels = 1;
  uint32_t sample_rate = 8000;
  uint16_t bits = 16;
  uint16_t block_align = 0;
};

// A chunk: id, size, payload and the pad byte an odd payload needs. `size` overrides the size
// field (to make it lie); by default it is the payload's length.
inline Bytes wav_chunk(const std::string& id, const Bytes& payload, int64_t size = -1) {
  Bytes out;
  put_id(out, id);
  put_u32(out, static_cast<uint32_t>(size >= 0 ? size : static_cast<int64_t>(payload.size())));
  out.insert(out.end(), payload.begin(), payload.end());
  if (payload.size() % 2 == 1) out.push_back(0);
  return out;
}

inline Bytes fmt_chunk(const WavFormat& f) {
  const uint16_t align =
      f.block_align != 0 ? f.block_align : static_cast<uint16_t>(f.channels * f.bits / 8);
  Bytes payload;
  put_u16(payload, f.tag);
  put_u16(payload, f.channels);
  put_u32(payload, f.sample_rate);
  put_u32(payload, f.sample_rate * align);  // byte rate
  put_u16(payload, align);
  put_u16(payload, f.bits);
  return wav_chunk("fmt ", payload);
}

// "RIFF" <size> "WAVE" followed by the chunks, with the RIFF size field correct.
inline Bytes riff_wave(const std::vector<Bytes>& chunks) {
  Bytes body;
  put_id(body, "WAVE");
  for (const Bytes& c : chunks) body.insert(body.end(), c.begin(), c.end());
  Bytes out;
  put_id(out, "RIFF");
  put_u32(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

inline Bytes pcm16_payload(const std::vector<int16_t>& samples) {
  Bytes out;
  for (int16_t s : samples) put_u16(out, static_cast<uint16_t>(s));
  return out;
}

// A well-formed mono 8000 Hz 16-bit file.
inline Bytes wav16(const std::vector<int16_t>& samples) {
  return riff_wave({fmt_chunk({}), wav_chunk("data", pcm16_payload(samples))});
}

// A signal in [-1, 1] as 16-bit samples (rounded, clamped to the int16 range).
inline std::vector<int16_t> to_pcm16(const std::vector<float>& signal) {
  std::vector<int16_t> out;
  for (float x : signal) {
    const double scaled = std::round(static_cast<double>(x) * 32768.0);
    out.push_back(static_cast<int16_t>(std::clamp(scaled, -32768.0, 32767.0)));
  }
  return out;
}

}  // namespace qmf::testing
