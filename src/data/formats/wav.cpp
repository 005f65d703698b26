#include "data/formats/wav.h"

#include <array>
#include <cctype>
#include <optional>
#include <utility>

#include "core/error.h"
#include "data/formats/file_bytes.h"

namespace qmf::data {
namespace {

constexpr size_t kRiffHeaderSize = 12;  // "RIFF" <u32 size> "WAVE"
constexpr size_t kChunkHeaderSize = 8;  // <4-byte id> <u32 size>
constexpr size_t kPcmFormatSize = 16;   // the fmt fields read below; extensions may follow
constexpr uint16_t kPcmFormatTag = 1;

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw Error(fmt::format("{}: {}", name, problem));
}

uint16_t little_endian_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

uint32_t little_endian_u32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// A four-character code as it can be printed: other bytes become '?', so a corrupt id cannot
// put control characters in a message.
std::string four_cc(const uint8_t* p) {
  std::string id;
  for (int i = 0; i < 4; ++i) id += std::isprint(p[i]) != 0 ? static_cast<char>(p[i]) : '?';
  return id;
}

void check_riff_header(std::span<const uint8_t> bytes, const std::string& name) {
  if (bytes.size() < kRiffHeaderSize) {
    fail(name, fmt::format("truncated: {} bytes, shorter than the {}-byte RIFF/WAVE header",
                           bytes.size(), kRiffHeaderSize));
  }
  const std::string riff = four_cc(bytes.data());
  if (riff == "RIFX") fail(name, "a big-endian RIFX file; only little-endian RIFF is supported");
  if (riff != "RIFF") fail(name, fmt::format("not a WAV file: starts with '{}', not 'RIFF'", riff));
  const std::string form = four_cc(bytes.data() + 8);
  if (form != "WAVE") fail(name, fmt::format("a RIFF file of type '{}', not 'WAVE'", form));
  // The RIFF size field is not checked: streaming writers leave it 0 or stale, and every chunk
  // is bounded by the real file length below anyway.
}

struct Chunk {
  std::string id;
  std::span<const uint8_t> payload;
};

// The chunks after the RIFF header, each checked to lie wholly inside the file.
std::vector<Chunk> read_chunks(std::span<const uint8_t> bytes, const std::string& name) {
  std::vector<Chunk> chunks;
  size_t pos = kRiffHeaderSize;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < kChunkHeaderSize) {
      fail(name, fmt::format("truncated: {} stray bytes at offset {}, too few for a chunk header",
                             bytes.size() - pos, pos));
    }
    const std::string id = four_cc(bytes.data() + pos);
    const size_t size = little_endian_u32(bytes.data() + pos + 4);
    const size_t start = pos + kChunkHeaderSize;
    if (size > bytes.size() - start) {
      fail(name, fmt::format("truncated: the '{}' chunk at offset {} claims {} bytes but only {} "
                             "bytes follow",
                             id, pos, size, bytes.size() - start));
    }
    chunks.push_back({id, bytes.subspan(start, size)});
    pos = start + size;
    // Odd payloads are padded to an even length; a missing pad byte at the very end of the file
    // is a common writer slip and loses nothing, so it is tolerated.
    if (size % 2 == 1 && pos < bytes.size()) ++pos;
  }
  return chunks;
}

// The payload of the one chunk called `id`; a missing or repeated chunk is an error.
std::span<const uint8_t> only_chunk(const std::vector<Chunk>& chunks, const std::string& id,
                                    const std::string& what, const std::string& name) {
  std::optional<std::span<const uint8_t>> found;
  for (const Chunk& chunk : chunks) {
    if (chunk.id != id) continue;
    if (found) fail(name, fmt::format("more than one '{}' chunk", id));
    found = chunk.payload;
  }
  if (!found) fail(name, fmt::format("no '{}' chunk ({})", id, what));
  return *found;
}

struct PcmFormat {
  uint16_t tag = 0;
  uint16_t channels = 0;
  uint32_t sample_rate = 0;
  uint16_t block_align = 0;  // bytes per sample frame (all channels)
  uint16_t bits = 0;         // per sample
};

PcmFormat read_format(std::span<const uint8_t> fmt_chunk, const std::string& name) {
  if (fmt_chunk.size() < kPcmFormatSize) {
    fail(name, fmt::format("truncated: the 'fmt ' chunk has {} bytes, fewer than the {} of a PCM "
                           "format",
                           fmt_chunk.size(), kPcmFormatSize));
  }
  const uint8_t* p = fmt_chunk.data();
  // Offset 8 holds the byte rate, redundant with the others and not needed to decode.
  return {.tag = little_endian_u16(p),
          .channels = little_endian_u16(p + 2),
          .sample_rate = little_endian_u32(p + 4),
          .block_align = little_endian_u16(p + 12),
          .bits = little_endian_u16(p + 14)};
}

// Names of the format tags a WAV file is likeliest to carry instead of PCM.
constexpr std::array<std::pair<uint16_t, const char*>, 7> kFormatTagNames = {{
    {2, "Microsoft ADPCM"},
    {3, "IEEE float"},
    {6, "A-law"},
    {7, "mu-law"},
    {0x11, "IMA ADPCM"},
    {0x55, "MP3"},
    {0xfffe, "WAVE_FORMAT_EXTENSIBLE"},
}};

std::string describe_format_tag(uint16_t tag) {
  for (const auto& [known, description] : kFormatTagNames) {
    if (known == tag) return description;
  }
  return "unknown";
}

// What the dataset's recordings are: anything else is named with what it should have been.
void check_format(const PcmFormat& format, const std::string& name) {
  if (format.tag != kPcmFormatTag) {
    fail(name, fmt::format("format tag 0x{:04x} ({}); only uncompressed PCM (tag 1) is supported",
                           format.tag, describe_format_tag(format.tag)));
  }
  if (format.channels != 1) {
    fail(name, fmt::format("{} channels; only mono recordings are supported", format.channels));
  }
  if (format.sample_rate != kWavSampleRate) {
    fail(name, fmt::format("sample rate {} Hz; only {} Hz recordings are supported",
                           format.sample_rate, kWavSampleRate));
  }
  if (format.bits != 8 && format.bits != 16) {
    fail(name,
         fmt::format("{} bits per sample; only 8-bit and 16-bit PCM are supported", format.bits));
  }
  const int frame_bytes = format.channels * format.bits / 8;
  if (format.block_align != frame_bytes) {
    fail(name, fmt::format("block align {} does not match {} channel x {} bits ({} bytes)",
                           format.block_align, format.channels, format.bits, frame_bytes));
  }
}

// 8-bit PCM is unsigned with silence at 128; 16-bit is signed little-endian.
std::vector<float> decode_samples(std::span<const uint8_t> data, int bits) {
  std::vector<float> samples;
  if (bits == 8) {
    samples.reserve(data.size());
    for (uint8_t b : data) samples.push_back(static_cast<float>(int{b} - 128) / 128.0f);
  } else {
    samples.reserve(data.size() / 2);
    for (size_t i = 0; i + 1 < data.size(); i += 2) {
      const auto value = static_cast<int16_t>(little_endian_u16(data.data() + i));
      samples.push_back(static_cast<float>(value) / 32768.0f);
    }
  }
  return samples;
}

}  // namespace

Wav parse_wav(std::span<const uint8_t> bytes, const std::string& name) {
  check_riff_header(bytes, name);
  const std::vector<Chunk> chunks = read_chunks(bytes, name);
  const PcmFormat format = read_format(only_chunk(chunks, "fmt ", "the sample format", name), name);
  check_format(format, name);
  const std::span<const uint8_t> data = only_chunk(chunks, "data", "the samples", name);
  if (data.empty()) fail(name, "no samples: the 'data' chunk is empty");
  if (data.size() % format.block_align != 0) {
    fail(name, fmt::format("the 'data' chunk has {} bytes, not a whole number of {}-byte samples",
                           data.size(), format.block_align));
  }
  return {.sample_rate = static_cast<int>(format.sample_rate),
          .samples = decode_samples(data, format.bits)};
}

Wav read_wav(const std::filesystem::path& file) {
  const std::vector<uint8_t> bytes = read_file_bytes(file);
  return parse_wav(bytes, file.string());
}

}  // namespace qmf::data
