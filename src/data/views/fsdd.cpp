#include "data/views/fsdd.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <compare>
#include <memory>
#include <span>
#include <string_view>
#include <tuple>

#include <archive.h>
#include <archive_entry.h>

#include "core/error.h"
#include "data/features/spectrogram.h"
#include "data/formats/file_bytes.h"
#include "data/formats/wav.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kWavSuffix = ".wav";
constexpr size_t kMaxIndexDigits = 9;  // keeps the index inside an int

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw Error(fmt::format("{}: {}", where, problem));
}

bool is_wav_name(std::string_view file_name) {
  return file_name.size() >= kWavSuffix.size() && file_name.ends_with(kWavSuffix);
}

// What identifies a recording, in the order recordings are sorted.
struct RecordingKey {
  int digit = 0;
  std::string speaker;
  int index = 0;

  auto operator<=>(const RecordingKey&) const = default;
};

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_ascii_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses {digit}_{speaker}_{index}.wav; `where` names the file in errors.
RecordingKey parse_recording_name(std::string_view file_name, const std::string& where) {
  const auto malformed = [&](const char* why) {
    fail(where, fmt::format("the file name '{}' is not {{digit}}_{{speaker}}_{{index}}.wav: {}",
                            file_name, why));
  };
  const std::string_view stem = file_name.substr(0, file_name.size() - kWavSuffix.size());
  const size_t first = stem.find('_');
  const size_t last = stem.rfind('_');
  if (first == std::string_view::npos || first == last) {
    malformed("expected three parts joined by '_'");
  }
  const std::string_view digit = stem.substr(0, first);
  const std::string_view speaker = stem.substr(first + 1, last - first - 1);
  const std::string_view index = stem.substr(last + 1);
  if (digit.size() != 1 || !is_ascii_digits(digit)) malformed("the digit must be one of 0-9");
  if (speaker.empty() || !std::all_of(speaker.begin(), speaker.end(), is_ascii_alnum)) {
    malformed("the speaker must be one or more letters or digits");
  }
  if (index.empty() || index.size() > kMaxIndexDigits || !is_ascii_digits(index)) {
    malformed("the index must be a non-negative integer of at most 9 digits");
  }
  RecordingKey key{.digit = digit[0] - '0', .speaker = std::string(speaker), .index = 0};
  std::from_chars(index.data(), index.data() + index.size(), key.index);  // checked above
  return key;
}

struct Recording {
  RecordingKey key;
  std::string file_name;           // e.g. 7_jackson_32.wav
  std::string where;               // the path errors use
  std::vector<float> spectrogram;  // kSpectrogramSize values
};

// Turns each recording into its spectrogram as it is read, so only the spectrograms are held.
class RecordingCollector {
 public:
  void add(std::string_view file_name, const std::string& where, std::span<const uint8_t> bytes) {
    RecordingKey key = parse_recording_name(file_name, where);
    const Wav wav = parse_wav(bytes, where);
    recordings_.push_back({.key = std::move(key),
                           .file_name = std::string(file_name),
                           .where = where,
                           .spectrogram = make_spectrogram_(wav.samples)});
  }

  std::vector<Recording> take() { return std::move(recordings_); }

 private:
  SpectrogramMaker make_spectrogram_;
  std::vector<Recording> recordings_;
};

// ---------------------------------------------------------------------------------------------
// Reading an archive.

struct ArchiveReaderFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReaderFree>;

std::string archive_problem(archive* reader) {
  const char* message = archive_error_string(reader);
  return message != nullptr ? message : "unknown libarchive error";
}

// The current member's contents, refused past kMaxFsddRecordingBytes before it is all read.
std::vector<uint8_t> read_member(archive* reader, archive_entry* entry, const std::string& where) {
  constexpr auto kLimit = static_cast<la_int64_t>(kMaxFsddRecordingBytes);
  if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > kLimit) {
    fail(where, fmt::format("{} bytes, more than the {} allowed for a recording",
                            archive_entry_size(entry), kLimit));
  }
  std::vector<uint8_t> bytes;
  std::array<uint8_t, 1 << 16> block{};
  for (;;) {
    const la_ssize_t n = archive_read_data(reader, block.data(), block.size());
    if (n < 0) fail(where, fmt::format("cannot read: {}", archive_problem(reader)));
    if (n == 0) break;
    // The header's size is not trusted: the data itself is counted too.
    if (bytes.size() + static_cast<size_t>(n) > kMaxFsddRecordingBytes) {
      fail(where, fmt::format("more than the {} bytes allowed for a recording", kLimit));
    }
    bytes.insert(bytes.end(), block.begin(), block.begin() + n);
  }
  return bytes;
}

// A reader for plain or gzip tar only: the gzip filter runs in-process (zlib), never an
// external program.
ArchiveReader new_tar_reader(const std::string& where) {
  ArchiveReader reader(archive_read_new());
  if (!reader) fail(where, "cannot start the archive reader");
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_format_tar(reader.get());
  return reader;
}

// Every .wav member of an opened archive; `where` names the archive.
void read_members(archive* reader, const std::string& where, RecordingCollector& out) {
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader, &entry);
    if (status == ARCHIVE_EOF) break;
    // ARCHIVE_WARN (e.g. an unknown header extension) still gives a usable member.
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      fail(where, fmt::format("not a readable tar archive: {}", archive_problem(reader)));
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* path = archive_entry_pathname(entry);
    if (path == nullptr) fail(where, "a member whose name cannot be read");
    const std::string file_name = fs::path(path).filename().string();
    if (!is_wav_name(file_name)) continue;  // the next header skips the unread data
    const std::string member = fmt::format("{}:{}", where, path);
    out.add(file_name, member, read_member(reader, entry, member));
  }
}

void read_archive(const fs::path& file, RecordingCollector& out) {
  const std::string where = file.string();
  const ArchiveReader reader = new_tar_reader(where);
  if (archive_read_open_filename(reader.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    fail(where, fmt::format("not a readable tar archive: {}", archive_problem(reader.get())));
  }
  read_members(reader.get(), where, out);
}

// ---------------------------------------------------------------------------------------------
// Reading a directory.

void read_wav_files_in(const fs::path& dir, RecordingCollector& out) {
  std::error_code list_error;
  fs::directory_iterator it(dir, list_error);
  for (; !list_error && it != fs::directory_iterator(); it.increment(list_error)) {
    const fs::path& file = it->path();
    const std::string file_name = file.filename().string();
    std::error_code ec;  // an entry that vanished or cannot be inspected is not a recording
    if (!is_wav_name(file_name) || !it->is_regular_file(ec)) continue;
    const uintmax_t size = fs::file_size(file, ec);
    if (!ec && size > kMaxFsddRecordingBytes) {
      fail(file.string(), fmt::format("{} bytes, more than the {} allowed for a recording", size,
                                      kMaxFsddRecordingBytes));
    }
    out.add(file_name, file.string(), read_file_bytes(file));
  }
  if (list_error) {
    fail(dir.string(), fmt::format("cannot list the directory: {}", list_error.message()));
  }
}

void read_directory(const fs::path& dir, RecordingCollector& out) {
  read_wav_files_in(dir, out);
  std::error_code ec;
  if (fs::is_directory(dir / "recordings", ec)) read_wav_files_in(dir / "recordings", out);
}

// ---------------------------------------------------------------------------------------------
// Assembling the splits.

void sort_and_check_unique(std::vector<Recording>& recordings) {
  // Ties (duplicates) are ordered by path so the error names them in a fixed order.
  std::sort(recordings.begin(), recordings.end(), [](const Recording& a, const Recording& b) {
    return std::tie(a.key, a.where) < std::tie(b.key, b.where);
  });
  for (size_t i = 1; i < recordings.size(); ++i) {
    if (recordings[i].key == recordings[i - 1].key) {
      fail(recordings[i].where, fmt::format("the same recording as {} (digit, speaker and index "
                                            "appear twice)",
                                            recordings[i - 1].where));
    }
  }
}

FsddSplit make_split(std::vector<Recording>& recordings, bool test) {
  std::vector<Recording*> chosen;
  for (Recording& r : recordings) {
    if ((r.key.index <= kFsddTestMaxIndex) == test) chosen.push_back(&r);
  }
  FsddSplit split;
  split.x.resize(static_cast<Eigen::Index>(chosen.size()),
                 static_cast<Eigen::Index>(kSpectrogramSize));
  for (size_t row = 0; row < chosen.size(); ++row) {
    std::copy(chosen[row]->spectrogram.begin(), chosen[row]->spectrogram.end(),
              split.x.row(static_cast<Eigen::Index>(row)).data());
    split.labels.push_back(chosen[row]->key.digit);
    split.names.push_back(chosen[row]->file_name);
  }
  return split;
}

// Every recording in `source`, in the order found; there must be at least one.
std::vector<Recording> read_recordings(const fs::path& source) {
  std::error_code ec;
  const fs::file_status status = fs::status(source, ec);
  if (status.type() == fs::file_type::not_found) {
    fail(source.string(),
         "no such file or directory (expected the FSDD .tar.gz or a directory of .wav "
         "recordings)");
  }
  if (ec) fail(source.string(), fmt::format("cannot inspect: {}", ec.message()));
  const bool directory = fs::is_directory(status);
  RecordingCollector collector;
  if (directory) {
    read_directory(source, collector);
  } else {
    read_archive(source, collector);
  }
  std::vector<Recording> recordings = collector.take();
  if (recordings.empty()) {
    fail(source.string(), directory ? "no recordings: no .wav files in it or in its recordings/ "
                                      "subdirectory"
                                    : "no recordings: no .wav members in the archive");
  }
  return recordings;
}

// The two splits of `recordings`, each required to be non-empty; `where` names the source.
Fsdd split_recordings(std::vector<Recording>& recordings, const std::string& where) {
  sort_and_check_unique(recordings);
  Fsdd fsdd{.train = make_split(recordings, false), .test = make_split(recordings, true)};
  if (fsdd.train.size() == 0) {
    fail(where, fmt::format("no training recordings (index above {})", kFsddTestMaxIndex));
  }
  if (fsdd.test.size() == 0) {
    fail(where, fmt::format("no test recordings (index 0-{})", kFsddTestMaxIndex));
  }
  return fsdd;
}

}  // namespace

Fsdd load_fsdd(const fs::path& source) {
  std::vector<Recording> recordings = read_recordings(source);
  return split_recordings(recordings, source.string());
}

Fsdd load_fsdd_archive(std::span<const uint8_t> archive_bytes, const std::string& name) {
  const ArchiveReader reader = new_tar_reader(name);
  if (archive_read_open_memory(reader.get(), archive_bytes.data(), archive_bytes.size()) !=
      ARCHIVE_OK) {
    fail(name, fmt::format("not a readable tar archive: {}", archive_problem(reader.get())));
  }
  RecordingCollector collector;
  read_members(reader.get(), name, collector);
  std::vector<Recording> recordings = collector.take();
  if (recordings.empty()) fail(name, "no recordings: no .wav members in the archive");
  return split_recordings(recordings, name);
}

}  // namespace qmf::data
