// FSDD loading: directories, a recordings/ subdirectory and tar archives give the same dataset,
// split by index and sorted by name; every bad input names its path and problem; and the
// published archive loads whole.
#include "data/views/fsdd.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "data/features/spectrogram.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/wav.h"
#include "support/wav_write.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, haystack)

// A file to put in a directory or an archive; path relative to the root.
struct Member {
  std::string path;
  Bytes bytes;
  bool directory = false;
};

// A short tone whose pitch and length depend on the recording, so every spectrogram differs.
Bytes recording(int digit, const std::string& speaker, int index) {
  const double hz = 200.0 + 300.0 * digit + 10.0 * index;
  const size_t n = 2000 + 100 * static_cast<size_t>(index) + (speaker == "bob" ? 50 : 0);
  std::vector<float> signal(n);
  for (size_t t = 0; t < n; ++t) {
    signal[t] = static_cast<float>(
        0.3 * std::sin(2 * std::numbers::pi * hz * static_cast<double>(t) / 8000.0));
  }
  return testing::wav16(testing::to_pcm16(signal));
}

std::string recording_name(int digit, const std::string& speaker, int index) {
  return fmt::format("{}_{}_{}.wav", digit, speaker, index);
}

// Digits 0-2, speakers bob and alice, indices 12, 0, 5, 3 (test: 0 and 3), deliberately listed
// out of order, each under `prefix`.
std::vector<Member> sample_recordings(const std::string& prefix = "") {
  std::vector<Member> members;
  for (int digit : {2, 0, 1}) {
    for (const std::string speaker : {"bob", "alice"}) {
      for (int index : {12, 0, 5, 3}) {
        members.push_back(
            {prefix + recording_name(digit, speaker, index), recording(digit, speaker, index)});
      }
    }
  }
  return members;
}

void write_directory(const fs::path& root, const std::vector<Member>& members) {
  fs::create_directories(root);
  for (const Member& m : members) {
    if (m.directory) {
      fs::create_directories(root / m.path);
    } else {
      fs::create_directories((root / m.path).parent_path());
      testing::write_bytes(root / m.path, m.bytes);
    }
  }
}

struct ArchiveWriterFree {
  void operator()(archive* writer) const { archive_write_free(writer); }
};

// A pax tar archive of the members, gzip-compressed when `gzip`.
void write_tar(const fs::path& file, const std::vector<Member>& members, bool gzip = true) {
  const std::unique_ptr<archive, ArchiveWriterFree> writer(archive_write_new());
  if (gzip) archive_write_add_filter_gzip(writer.get());
  archive_write_set_format_pax_restricted(writer.get());
  ASSERT_EQ(archive_write_open_filename(writer.get(), file.c_str()), ARCHIVE_OK);
  for (const Member& m : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, m.path.c_str());
    archive_entry_set_filetype(entry, m.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry, m.directory ? 0755 : 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(m.bytes.size()));
    EXPECT_EQ(archive_write_header(writer.get(), entry), ARCHIVE_OK);
    if (!m.bytes.empty()) {
      EXPECT_EQ(archive_write_data(writer.get(), m.bytes.data(), m.bytes.size()),
                static_cast<la_ssize_t>(m.bytes.size()));
    }
    archive_entry_free(entry);
  }
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK);
}

// The message of the qmf::Error that loading `source` throws.
std::string load_error(const fs::path& source) {
  try {
    load_fsdd(source);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no qmf::Error thrown loading " << source;
  return "";
}

void expect_same(const Fsdd& a, const Fsdd& b) {
  for (auto [x, y] : {std::pair{&a.train, &b.train}, std::pair{&a.test, &b.test}}) {
    EXPECT_EQ(x->names, y->names);
    EXPECT_EQ(x->labels, y->labels);
    ASSERT_EQ(x->x.rows(), y->x.rows());
    ASSERT_EQ(x->x.cols(), y->x.cols());
    EXPECT_TRUE(x->x == y->x);
  }
}

TEST(Fsdd, DirectorySubdirectoryAndArchivesAgree) {
  const TempDir tmp("qmf-fsdd-test");
  write_directory(tmp.path() / "flat", sample_recordings());
  write_directory(tmp.path() / "nested", sample_recordings("recordings/"));
  write_tar(tmp.path() / "a.tar.gz", sample_recordings("recordings/"));
  write_tar(tmp.path() / "b.tar", sample_recordings("recordings/"), false);
  write_tar(tmp.path() / "c.tar.gz", sample_recordings());

  const Fsdd reference = load_fsdd(tmp.path() / "flat");
  EXPECT_EQ(reference.train.size(), 12u);
  EXPECT_EQ(reference.test.size(), 12u);
  for (const char* other : {"nested", "a.tar.gz", "b.tar", "c.tar.gz"}) {
    SCOPED_TRACE(other);
    expect_same(reference, load_fsdd(tmp.path() / other));
  }
}

TEST(Fsdd, SplitsByIndexAndSortsByDigitSpeakerIndex) {
  const TempDir tmp("qmf-fsdd-test");
  write_tar(tmp.path() / "a.tar.gz", sample_recordings("recordings/"));
  const Fsdd fsdd = load_fsdd(tmp.path() / "a.tar.gz");
  std::vector<std::string> train;
  std::vector<std::string> test;
  std::vector<int> train_labels;
  std::vector<int> test_labels;
  for (int digit : {0, 1, 2}) {
    for (const std::string speaker : {"alice", "bob"}) {
      for (int index : {5, 12}) train.push_back(recording_name(digit, speaker, index));
      for (int index : {0, 3}) test.push_back(recording_name(digit, speaker, index));
      train_labels.insert(train_labels.end(), 2, digit);
      test_labels.insert(test_labels.end(), 2, digit);
    }
  }
  EXPECT_EQ(fsdd.train.names, train);  // 5 before 12: the index sorts as a number
  EXPECT_EQ(fsdd.test.names, test);
  EXPECT_EQ(fsdd.train.labels, train_labels);
  EXPECT_EQ(fsdd.test.labels, test_labels);
}

TEST(Fsdd, RowsAreTheRecordingsSpectrograms) {
  const TempDir tmp("qmf-fsdd-test");
  write_directory(tmp.path(), sample_recordings());
  const Fsdd fsdd = load_fsdd(tmp.path());
  SpectrogramMaker make;
  for (const FsddSplit* split : {&fsdd.train, &fsdd.test}) {
    ASSERT_EQ(split->x.cols(), static_cast<Eigen::Index>(kSpectrogramSize));
    ASSERT_EQ(static_cast<size_t>(split->x.rows()), split->size());
    for (size_t row = 0; row < split->size(); ++row) {
      const Wav wav = read_wav(tmp.path() / split->names[row]);
      const std::vector<float> expected = make(wav.samples);
      const auto r = split->x.row(static_cast<Eigen::Index>(row));
      EXPECT_TRUE(std::equal(expected.begin(), expected.end(), r.data())) << split->names[row];
    }
  }
}

TEST(Fsdd, OrderOfMembersDoesNotMatter) {
  const TempDir tmp("qmf-fsdd-test");
  std::vector<Member> members = sample_recordings("recordings/");
  write_tar(tmp.path() / "forward.tar.gz", members);
  std::reverse(members.begin(), members.end());
  write_tar(tmp.path() / "reversed.tar.gz", members);
  Rng rng(5);
  rng.shuffle(members);
  write_tar(tmp.path() / "shuffled.tar.gz", members);
  const Fsdd forward = load_fsdd(tmp.path() / "forward.tar.gz");
  expect_same(forward, load_fsdd(tmp.path() / "reversed.tar.gz"));
  expect_same(forward, load_fsdd(tmp.path() / "shuffled.tar.gz"));
}

TEST(Fsdd, IgnoresOtherFilesAndDirectories) {
  const TempDir tmp("qmf-fsdd-test");
  std::vector<Member> extras = {
      {"recordings/", {}, true},
      {"README.md", {'h', 'i'}},
      {"recordings/notes.txt", {'x'}},
      {"recordings/9_zed_1.wav/", {}, true},  // a directory, despite its name
      {"recordings/big.bin", Bytes(kMaxFsddRecordingBytes + 1, 0)},  // not read: not a .wav
  };
  std::vector<Member> members = sample_recordings("recordings/");
  members.insert(members.begin(), extras.begin(), extras.end());
  write_tar(tmp.path() / "a.tar.gz", members);
  // In a directory, .wav files outside the top level and recordings/ are not looked at.
  members.push_back({"other/not_a_recording.wav", {'x'}});
  write_directory(tmp.path() / "dir", members);

  write_directory(tmp.path() / "plain", sample_recordings());
  const Fsdd reference = load_fsdd(tmp.path() / "plain");
  expect_same(reference, load_fsdd(tmp.path() / "a.tar.gz"));
  expect_same(reference, load_fsdd(tmp.path() / "dir"));
}

// ---------------------------------------------------------------------------------------------
// Errors.

TEST(FsddErrors, MissingSource) {
  const TempDir tmp("qmf-fsdd-test");
  const fs::path missing = tmp.path() / "nowhere.tar.gz";
  const std::string message = load_error(missing);
  EXPECT_CONTAINS(message, missing.string() + ": no such file or directory");
}

TEST(FsddErrors, MalformedFileNames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"hello.wav", "expected three parts joined by '_'"},
      {"1_bob.wav", "expected three parts joined by '_'"},
      {"10_bob_1.wav", "the digit must be one of 0-9"},
      {"x_bob_1.wav", "the digit must be one of 0-9"},
      {"1__1.wav", "the speaker must be one or more letters or digits"},
      {"1_bo-b_1.wav", "the speaker must be one or more letters or digits"},
      {"1_bob_x_1.wav", "the speaker must be one or more letters or digits"},
      {"1_bob_.wav", "the index must be a non-negative integer"},
      {"1_bob_-3.wav", "the index must be a non-negative integer"},
      {"1_bob_1234567890.wav", "the index must be a non-negative integer of at most 9 digits"},
      {".wav", "expected three parts"},
  };
  for (const auto& [name, problem] : cases) {
    SCOPED_TRACE(name);
    const TempDir tmp("qmf-fsdd-test");
    std::vector<Member> members = sample_recordings();
    members.push_back({name, recording(1, "bob", 1)});
    write_directory(tmp.path(), members);
    const std::string message = load_error(tmp.path());
    EXPECT_CONTAINS(message, (tmp.path() / name).string() + ": the file name '" + name +
                                 "' is not {digit}_{speaker}_{index}.wav");
    EXPECT_CONTAINS(message, problem);
  }
}

TEST(FsddErrors, BadWavInADirectoryNamesTheFile) {
  const TempDir tmp("qmf-fsdd-test");
  std::vector<Member> members = sample_recordings("recordings/");
  const Bytes stereo = testing::riff_wave(
      {testing::fmt_chunk({.channels = 2}), testing::wav_chunk("data", Bytes(8, 0))});
  members.push_back({"recordings/0_bob_7.wav", stereo});
  write_directory(tmp.path(), members);
  EXPECT_CONTAINS(load_error(tmp.path()), (tmp.path() / "recordings" / "0_bob_7.wav").string() +
                                              ": 2 channels; only mono recordings are supported");
}

TEST(FsddErrors, BadWavInAnArchiveNamesTheMember) {
  const TempDir tmp("qmf-fsdd-test");
  std::vector<Member> members = sample_recordings("recordings/");
  members.push_back({"recordings/0_bob_7.wav", testing::riff_wave({testing::fmt_chunk({})})});
  const fs::path archive = tmp.path() / "a.tar.gz";
  write_tar(archive, members);
  EXPECT_CONTAINS(load_error(archive),
                  archive.string() + ":recordings/0_bob_7.wav: no 'data' chunk");
}

TEST(FsddErrors, DuplicateRecordings) {
  const TempDir tmp("qmf-fsdd-test");
  // The same file at the top level and in recordings/.
  std::vector<Member> members = sample_recordings();
  members.push_back({"recordings/0_bob_5.wav", recording(0, "bob", 5)});
  write_directory(tmp.path() / "both", members);
  EXPECT_CONTAINS(load_error(tmp.path() / "both"),
                  (tmp.path() / "both" / "recordings" / "0_bob_5.wav").string() +
                      ": the same recording as " + (tmp.path() / "both" / "0_bob_5.wav").string());
  // One name twice in an archive.
  members = sample_recordings("recordings/");
  members.push_back({"recordings/0_bob_5.wav", recording(0, "bob", 5)});
  write_tar(tmp.path() / "twice.tar.gz", members);
  EXPECT_CONTAINS(load_error(tmp.path() / "twice.tar.gz"), "the same recording as");
  // Two spellings of one index.
  members = sample_recordings();
  members.push_back({"0_bob_05.wav", recording(0, "bob", 5)});
  write_directory(tmp.path() / "spellings", members);
  EXPECT_CONTAINS(load_error(tmp.path() / "spellings"),
                  (tmp.path() / "spellings" / "0_bob_5.wav").string() + ": the same recording as " +
                      (tmp.path() / "spellings" / "0_bob_05.wav").string());
}

TEST(FsddErrors, UnreadableArchives) {
  const TempDir tmp("qmf-fsdd-test");
  const fs::path text = tmp.path() / "text.tar.gz";
  testing::write_bytes(text, Bytes{'n', 'o', 't', ' ', 'a', ' ', 't', 'a', 'r', '\n'});
  EXPECT_CONTAINS(load_error(text), text.string() + ": not a readable tar archive");

  // The published archive's shape, cut short in the middle of its compressed stream.
  const fs::path whole = tmp.path() / "whole.tar.gz";
  write_tar(whole, sample_recordings("recordings/"));
  const fs::path cut = tmp.path() / "cut.tar.gz";
  fs::copy_file(whole, cut);
  fs::resize_file(cut, fs::file_size(whole) / 2);
  EXPECT_CONTAINS(load_error(cut), cut.string());

  const fs::path empty = tmp.path() / "empty.tar.gz";
  testing::write_bytes(empty, Bytes{});
  EXPECT_CONTAINS(load_error(empty), empty.string() + ": ");
}

TEST(FsddErrors, NoRecordings) {
  const TempDir tmp("qmf-fsdd-test");
  fs::create_directories(tmp.path() / "empty");
  EXPECT_CONTAINS(load_error(tmp.path() / "empty"),
                  (tmp.path() / "empty").string() + ": no recordings");
  write_tar(tmp.path() / "readme.tar.gz", {{"recordings/", {}, true}, {"README", {'x'}}});
  EXPECT_CONTAINS(load_error(tmp.path() / "readme.tar.gz"),
                  (tmp.path() / "readme.tar.gz").string() + ": no recordings");
}

TEST(FsddErrors, EmptySplit) {
  const TempDir tmp("qmf-fsdd-test");
  write_directory(tmp.path() / "test_only", {{"0_bob_0.wav", recording(0, "bob", 0)},
                                             {"1_bob_4.wav", recording(1, "bob", 4)}});
  EXPECT_CONTAINS(load_error(tmp.path() / "test_only"), "no training recordings (index above 4)");
  write_directory(tmp.path() / "train_only", {{"0_bob_5.wav", recording(0, "bob", 5)}});
  EXPECT_CONTAINS(load_error(tmp.path() / "train_only"), "no test recordings (index 0-4)");
}

TEST(FsddErrors, OversizedRecordings) {
  const TempDir tmp("qmf-fsdd-test");
  std::vector<Member> members = sample_recordings("recordings/");
  members.push_back({"recordings/0_bob_7.wav", Bytes(kMaxFsddRecordingBytes + 1, 0)});
  write_tar(tmp.path() / "a.tar.gz", members);
  EXPECT_CONTAINS(load_error(tmp.path() / "a.tar.gz"),
                  (tmp.path() / "a.tar.gz").string() +
                      ":recordings/0_bob_7.wav: 16777217 bytes, more than the 16777216 allowed");

  // In a directory: a sparse file, so the test writes almost nothing.
  write_directory(tmp.path() / "dir", sample_recordings());
  const fs::path big = tmp.path() / "dir" / "0_bob_7.wav";
  testing::write_bytes(big, Bytes{});
  fs::resize_file(big, kMaxFsddRecordingBytes + 1);
  EXPECT_CONTAINS(load_error(tmp.path() / "dir"),
                  big.string() + ": 16777217 bytes, more than the 16777216 allowed");
}

// ---------------------------------------------------------------------------------------------
// The published dataset.

// The real recordings are not part of the repository (docs/DATA.md says where to get them):
// $QMF_FSDD names the archive or directory, else the copy beside the checkout is used.
fs::path published_fsdd() {
  if (const char* env = std::getenv("QMF_FSDD"); env && *env) return env;
  return fs::path(QMF_SOURCE_DIR) / ".." / "shared" / "data" / "fsdd" / "fsdd_recordings.tar.gz";
}

TEST(FsddRealData, LoadsThePublishedArchive) {
  const fs::path archive = published_fsdd();
  if (!fs::exists(archive)) {
    GTEST_SKIP() << "the Free Spoken Digit Dataset is not at " << archive
                 << ": set QMF_FSDD to its release .tar.gz or a directory of its recordings "
                    "(https://github.com/Jakobovski/free-spoken-digit-dataset; see docs/DATA.md)";
  }
  const Fsdd fsdd = load_fsdd(archive);
  ASSERT_EQ(fsdd.train.size(), 2700u);
  ASSERT_EQ(fsdd.test.size(), 300u);
  for (auto [split, per_digit] : {std::pair{&fsdd.train, 270}, std::pair{&fsdd.test, 30}}) {
    EXPECT_EQ(split->x.rows(), static_cast<Eigen::Index>(split->size()));
    EXPECT_EQ(split->x.cols(), static_cast<Eigen::Index>(kSpectrogramSize));
    for (int digit = 0; digit < 10; ++digit) {
      EXPECT_EQ(std::count(split->labels.begin(), split->labels.end(), digit), per_digit) << digit;
    }
    EXPECT_TRUE(split->x.allFinite());
    EXPECT_GE(split->x.minCoeff(), 0.0f);
    EXPECT_GT(split->x.maxCoeff(), 0.0f);
  }
  EXPECT_EQ(fsdd.test.names.front(), "0_george_0.wav");
  EXPECT_EQ(fsdd.train.names.front(), "0_george_5.wav");
}

}  // namespace
}  // namespace qmf::data
