#pragma once
// The Free Spoken Digit Dataset (FSDD): 8 kHz mono recordings named
// {digit}_{speaker}_{index}.wav, e.g. 7_jackson_32.wav, turned into fixed-size spectrograms
// (data/features/spectrogram.h) with the digit as label.
//
// The source is either a tar archive, plain or gzip-compressed (.tar, .tar.gz; read in place with
// libarchive), or a directory. In an archive every regular-file member whose name ends in ".wav"
// is a recording, wherever it sits (the published archive has recordings/...). In a directory
// the ".wav" files directly inside it and inside its recordings/ subdirectory are. Other files
// and directories are ignored.
//
// File names: digit 0-9, speaker one or more ASCII letters or digits, index a non-negative
// integer (at most 9 digits). The split is the dataset's own: recordings with index 0-4 form
// the test split, the rest train. Within each split recordings are sorted by (digit, speaker,
// index), so the result does not depend on archive or directory order.
//
// Throws qmf::Error naming the path (for an archive member "archive.tar.gz:recordings/x.wav")
// and the problem for: a missing or unreadable source, a .wav with a malformed name, a bad WAV
// (data/formats/wav.h), a recording over kMaxFsddRecordingBytes, two files for the same recording,
// no recordings at all, or a split left empty.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace qmf::data {

inline constexpr int kFsddTestMaxIndex = 4;  // index 0..4: test split
// Far above any real recording (the longest is about 36 KB), low enough that a hostile archive
// cannot make us allocate much: a member is read whole before it is parsed.
inline constexpr size_t kMaxFsddRecordingBytes = size_t{16} << 20;

struct FsddSplit {
  Features x;                      // one row per recording: kSpectrogramSize values
  std::vector<int> labels;         // the spoken digit, 0..9
  std::vector<std::string> names;  // the file name, e.g. "7_jackson_32.wav"

  size_t size() const { return labels.size(); }
};

struct Fsdd {
  FsddSplit train, test;
};

Fsdd load_fsdd(const std::filesystem::path& source);

// As load_fsdd for a tar archive (plain or gzip) already in memory; `name` stands for the
// archive in error messages.
Fsdd load_fsdd_archive(std::span<const uint8_t> archive_bytes, const std::string& name);

}  // namespace qmf::data
