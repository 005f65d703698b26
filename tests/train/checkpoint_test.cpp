// Checkpoints (versioned, checksummed, written atomically): the round trip, and
// every way a file can be wrong giving a qmf::Error that names the file and the problem.
#include "train/checkpoint.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/rng.h"
#include "data/dataset.h"
#include "data/fetch/temp_dir.h"
#include "support/checkpoint_bytes.h"
#include "support/file_write.h"
#include "support/train_support.h"
#include "train/config.h"
#include "train/model_factory.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

// A model on two 8-feature modalities and 4 classes; k qubits per register.
struct Fixture {
  explicit Fixture(int k, nn::OptimizerKind opt = nn::OptimizerKind::adam, uint64_t seed = 5) {
    Config c;
    c.model.k = {k};
    c.train.optimizer = opt;
    c.train.threads = 1;
    data.view = "test";
    data.classes = 4;
    data.train.x = {data::Features(0, 8), data::Features(0, 8)};
    data.test.x = data.train.x;
    model = make_model(c, data);
    optimizer = make_optimizer(c);
    Rng rng(seed);
    model->init(rng);
  }
  // Two optimiser steps on made-up gradients, so the optimiser has state worth saving.
  void step(uint64_t seed = 9) {
    Rng rng(seed);
    for (int s = 0; s < 2; ++s) {
      for (double& g : model->arena().grads()) g = rng.uniform(-1, 1);
      optimizer->step(model->arena());
    }
  }
  Checkpoint capture_now(int epochs = 2) const {
    return capture(model->kind(), model->arena(), *optimizer, epochs,
                   {{"rows", {{1, 0.5, 0.25}, {2, 0.375, 0.5}}}, {"note", "x"}});
  }

  data::Multimodal data;
  std::unique_ptr<model::Model> model;
  std::unique_ptr<nn::Optimizer> optimizer;
};

bool same_bits(const std::vector<double>& a, std::span<const double> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

using qmf::testing::write_bytes;

using qmf::testing::with_fixed_crc;
using Parts = qmf::testing::CheckpointParts;
const auto parts_of = qmf::testing::checkpoint_parts;
const auto bytes_of = qmf::testing::checkpoint_bytes;

class CheckpointFile : public ::testing::Test {
 protected:
  // A valid checkpoint file at dir/ckpt.qmf and its bytes.
  void SetUp() override {
    Fixture f(2);
    f.step();
    save_checkpoint(path_, f.capture_now());
    good_ = qmf::testing::slurp(path_);
    ASSERT_GT(good_.size(), 100u);
  }

  // Writes `bytes` as the checkpoint and expects load_checkpoint to throw a qmf::Error naming
  // the file and saying `problem` (any of the given words).
  void expect_rejected(const std::string& bytes, std::initializer_list<const char*> problem,
                       const std::string& context) {
    write_bytes(path_, bytes);
    try {
      load_checkpoint(path_);
      ADD_FAILURE() << context << ": loaded";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(path_.string()), std::string::npos) << context << ": " << what;
      bool named = false;
      for (const char* word : problem) named = named || what.find(word) != std::string::npos;
      EXPECT_TRUE(named) << context << ": " << what;
    } catch (const std::exception& e) {
      ADD_FAILURE() << context << ": not a qmf::Error: " << e.what();
    }
  }

  data::TempDir dir_{"qmf-ckpt-test"};
  fs::path path_ = dir_.path() / "ckpt.qmf";
  std::string good_;
};

TEST(CheckpointRoundTrip, SaveThenLoadGivesBackEverythingBitForBit) {
  const data::TempDir dir("qmf-ckpt-test");
  Fixture f(2);
  f.step();
  const Checkpoint saved = f.capture_now(2);
  ASSERT_EQ(saved.optimizer_state.buffers.size(), 2u);  // Adam: m and v
  const fs::path path = dir.path() / "checkpoint.qmf";
  save_checkpoint(path, saved);

  const Checkpoint loaded = load_checkpoint(path);
  EXPECT_EQ(loaded.model_kind, "qmfnn");
  EXPECT_EQ(loaded.optimizer, "adam");
  EXPECT_EQ(loaded.epochs_done, 2);
  EXPECT_EQ(loaded.extra, saved.extra);
  EXPECT_TRUE(same_bits(loaded.values, saved.values));
  EXPECT_EQ(loaded.optimizer_state.step, saved.optimizer_state.step);
  ASSERT_EQ(loaded.optimizer_state.buffers.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_TRUE(same_bits(loaded.optimizer_state.buffers[i], saved.optimizer_state.buffers[i]));
  ASSERT_EQ(loaded.blocks.size(), saved.blocks.size());
  for (size_t i = 0; i < saved.blocks.size(); ++i) {
    EXPECT_EQ(loaded.blocks[i].name, saved.blocks[i].name);
    EXPECT_EQ(loaded.blocks[i].offset, saved.blocks[i].offset);
    EXPECT_EQ(loaded.blocks[i].size, saved.blocks[i].size);
    EXPECT_EQ(loaded.blocks[i].kind, saved.blocks[i].kind);
  }

  // Restored into a freshly built (differently initialised) model and optimiser, both continue
  // exactly as the original: one more identical step gives identical parameters.
  Fixture g(2, nn::OptimizerKind::adam, 77);
  restore(loaded, g.model->kind(), g.model->arena(), g.optimizer.get(), path);
  EXPECT_TRUE(same_bits(saved.values, g.model->arena().values()));
  f.step(21);
  g.step(21);
  const auto fv = f.model->arena().values();
  EXPECT_TRUE(same_bits(std::vector<double>(fv.begin(), fv.end()), g.model->arena().values()));

  // Only the checkpoint is there: the atomic write left no temporary file, also when
  // overwriting.
  EXPECT_EQ(qmf::testing::file_names(dir.path()), std::vector<std::string>{"checkpoint.qmf"});
  save_checkpoint(path, f.capture_now(3));
  EXPECT_EQ(qmf::testing::file_names(dir.path()), std::vector<std::string>{"checkpoint.qmf"});
  EXPECT_EQ(load_checkpoint(path).epochs_done, 3);
}

TEST(CheckpointRoundTrip, PlainSgdHasNoBuffersAndRoundTrips) {
  const data::TempDir dir("qmf-ckpt-test");
  Fixture f(2, nn::OptimizerKind::sgd);
  f.step();
  const fs::path path = dir.path() / "c.qmf";
  save_checkpoint(path, f.capture_now());
  const Checkpoint loaded = load_checkpoint(path);
  EXPECT_EQ(loaded.optimizer, "sgd");
  EXPECT_TRUE(loaded.optimizer_state.buffers.empty());
  EXPECT_TRUE(same_bits(loaded.values, f.model->arena().values()));
}

TEST(CheckpointRoundTrip, SaveIntoAMissingDirectoryIsAnErrorNamingThePath) {
  const data::TempDir dir("qmf-ckpt-test");
  Fixture f(2);
  const fs::path path = dir.path() / "no" / "such" / "checkpoint.qmf";
  try {
    save_checkpoint(path, f.capture_now());
    FAIL() << "saved into a missing directory";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(qmf::testing::file_names(dir.path()).empty());
}

TEST_F(CheckpointFile, MissingFileIsAnErrorNamingIt) {
  const fs::path missing = dir_.path() / "nothing.qmf";
  try {
    load_checkpoint(missing);
    FAIL() << "loaded a missing file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
}

TEST_F(CheckpointFile, WrongMagicIsRejected) {
  std::string bad = good_;
  bad[0] = 'X';
  expect_rejected(bad, {"magic"}, "first byte changed");
  expect_rejected("this is a text file, not a checkpoint\n", {"magic"}, "text file");
  expect_rejected(std::string(), {"magic", "empty", "truncated"}, "empty file");
}

TEST_F(CheckpointFile, TruncatedFileIsRejectedAtEveryLength) {
  for (size_t n = 0; n < good_.size(); n += (n < 64 ? 1 : 37))
    expect_rejected(good_.substr(0, n), {"truncated", "corrupt", "checksum", "magic"},
                    "truncated to " + std::to_string(n) + " bytes");
}

// A file cut short after a correct magic number is truncated, not "wrong magic number".
TEST_F(CheckpointFile, ShortFileWithTheRightMagicIsReportedAsTruncated) {
  for (size_t n = 8; n < 28; ++n) {
    write_bytes(path_, good_.substr(0, n));
    try {
      load_checkpoint(path_);
      ADD_FAILURE() << n << " bytes: loaded";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_TRUE(what.find("magic") == std::string::npos &&
                  (what.find("truncated") != std::string::npos ||
                   what.find("checksum") != std::string::npos))
          << n << " bytes: " << what;
    }
  }
}

TEST_F(CheckpointFile, EveryFlippedByteIsCaught) {
  // The magic number has its own message; every other byte is covered by the checksum.
  for (size_t i = 8; i < good_.size(); i += (i < 64 ? 1 : 13)) {
    std::string bad = good_;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    expect_rejected(bad, {"checksum"}, "byte " + std::to_string(i) + " flipped");
  }
}

TEST_F(CheckpointFile, OtherVersionIsRejectedNamingIt) {
  Parts p = parts_of(good_);
  ASSERT_EQ(p.version, kCheckpointVersion);
  p.version = kCheckpointVersion + 1;
  const std::string newer = "version " + std::to_string(p.version);
  expect_rejected(bytes_of(p), {newer.c_str()}, newer);
  p.version = 0;
  expect_rejected(bytes_of(p), {"version 0"}, "version 0");
}

// Version 1 (before mid-epoch checkpoints) had no epoch_progress: it loads as an epoch's end.
TEST_F(CheckpointFile, VersionOneStillLoadsAsAnEpochEnd) {
  Parts p = parts_of(good_);
  p.version = 1;
  p.header.erase("epoch_progress");
  write_bytes(path_, bytes_of(p));
  const Checkpoint old = load_checkpoint(path_);
  EXPECT_EQ(old.partial, EpochProgress{});
  EXPECT_EQ(old.epochs_done, 2);
  EXPECT_EQ(old.extra.at("note"), "x");
}

TEST_F(CheckpointFile, EpochProgressRoundTripsExactly) {
  Fixture f(2);
  f.step();
  const EpochProgress partial{.steps = 7, .loss_sum = 0.1 + 0.2, .correct = 93, .seconds = 1.25};
  save_checkpoint(path_, capture(f.model->kind(), f.model->arena(), *f.optimizer, 3, {}, partial));
  const Checkpoint c = load_checkpoint(path_);
  EXPECT_EQ(c.epochs_done, 3);
  EXPECT_EQ(c.partial, partial);  // the loss sum bit for bit, through the JSON header
}

TEST_F(CheckpointFile, RewrittenFileWithTheRightChecksumStillLoads) {
  // The file helpers below rebuild a valid file from its parts: the negative tests that use
  // them change only what they say.
  write_bytes(path_, bytes_of(parts_of(good_)));
  EXPECT_NO_THROW(load_checkpoint(path_));
}

TEST_F(CheckpointFile, HeaderThatIsNotJsonOrLacksKeysIsRejected) {
  Parts p = parts_of(good_);
  p.header.erase("blocks");
  // No blocks: zero parameters, so the payload is "unexpected bytes" or a bad header.
  expect_rejected(bytes_of(p), {"header", "unexpected", "blocks"}, "no blocks");
  p = parts_of(good_);
  p.header.erase("model");
  expect_rejected(bytes_of(p), {"header", "model"}, "no model");
  // Not JSON at all.
  std::string raw = good_;
  raw[20] = '#';
  expect_rejected(with_fixed_crc(raw), {"header"}, "header not JSON");
}

TEST_F(CheckpointFile, PayloadOfTheWrongSizeIsRejected) {
  Parts p = parts_of(good_);
  p.payload.append(8, '\0');
  expect_rejected(bytes_of(p), {"unexpected bytes", "size"}, "one double too many");
  p = parts_of(good_);
  p.payload.resize(p.payload.size() - 8);
  expect_rejected(bytes_of(p), {"truncated"}, "one double short");
}

// Sizes in a (checksummed but crafted or buggy) header must be checked against the file before
// anything is allocated: an error, not std::length_error or bad_alloc.
TEST_F(CheckpointFile, BlockSizesBeyondTheFileAreAnError) {
  // (No size between 2^20 and 2^61 here: a loader that allocated first could then really try to
  // fill terabytes.)
  for (const uint64_t size : {uint64_t{1} << 20, uint64_t{1} << 61, ~uint64_t{0}}) {
    Parts p = parts_of(good_);
    p.header["blocks"][0]["size"] = size;
    expect_rejected(bytes_of(p), {"truncated", "size", "beyond", "unexpected"},
                    "block size " + std::to_string(size));
  }
  Parts p = parts_of(good_);
  p.header["buffers"][0] = uint64_t{1} << 61;
  expect_rejected(bytes_of(p), {"truncated", "size", "beyond"}, "buffer size 2^61");
}

TEST(CheckpointRestore, DifferentModelLayoutIsAnErrorNamingTheFile) {
  const data::TempDir dir("qmf-ckpt-test");
  const fs::path path = dir.path() / "checkpoint.qmf";
  Fixture small(2);
  save_checkpoint(path, small.capture_now());
  const Checkpoint ckpt = load_checkpoint(path);

  Fixture bigger(3);  // model.k = 3: other block sizes
  const std::vector<double> before(bigger.model->arena().values().begin(),
                                   bigger.model->arena().values().end());
  try {
    restore(ckpt, bigger.model->kind(), bigger.model->arena(), bigger.optimizer.get(), path);
    FAIL() << "restored a k=2 checkpoint into a k=3 model";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    EXPECT_NE(what.find("does not match"), std::string::npos) << what;
  }
  // Nothing was half-copied.
  EXPECT_TRUE(same_bits(before, bigger.model->arena().values()));
}

TEST(CheckpointRestore, OtherModelKindOrOptimizerIsAnErrorNamingTheFile) {
  const fs::path source = "/some/run/checkpoint.qmf";
  Fixture f(2);
  f.step();
  Checkpoint other_kind = f.capture_now();
  other_kind.model_kind = "tfn";
  Fixture g(2);
  try {
    restore(other_kind, g.model->kind(), g.model->arena(), g.optimizer.get(), source);
    FAIL() << "restored a tfn checkpoint into a qmfnn";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(source.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tfn"), std::string::npos) << e.what();
  }
  Fixture sgd(2, nn::OptimizerKind::sgd);
  try {
    restore(f.capture_now(), sgd.model->kind(), sgd.model->arena(), sgd.optimizer.get(), source);
    FAIL() << "restored Adam state into SGD";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(source.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("adam"), std::string::npos) << e.what();
  }
  // Without an optimiser (evaluation), only the parameters matter.
  EXPECT_NO_THROW(restore(f.capture_now(), sgd.model->kind(), sgd.model->arena(), nullptr, source));
}

}  // namespace
}  // namespace qmf::train

namespace qmf::train {
namespace {

// A checkpoint file around a hand-written JSON header: magic, version 1, header length, header,
// `values` doubles, CRC-32 of everything before it (the layout checkpoint.cpp writes).
std::string forged_checkpoint(const std::string& header, const std::vector<double>& values) {
  std::string out = "QMFCKPT\n";
  const auto put = [&out](const void* p, size_t n) { out.append(static_cast<const char*>(p), n); };
  const uint32_t version = 1;
  const uint64_t length = header.size();
  put(&version, 4);
  put(&length, 8);
  out += header;
  for (double v : values) put(&v, 8);
  const auto sum = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
  put(&sum, 4);
  return out;
}

// Two of the three inputs the checkpoint fuzzer (fuzz/checkpoint_fuzzer.cpp) found or prompted:
// each must be refused or read with a qmf::Error, never undefined behaviour or a bad_alloc.
TEST(CheckpointFuzzFindings, ZeroSizedOptimizerBufferReads) {
  const std::string file = forged_checkpoint(
      R"({"model":"qmfnn","optimizer":"adam","optimizer_step":3,"epochs_done":1,"extra":{},)"
      R"("blocks":[{"name":"w","size":2,"kind":"classical"}],"buffers":[0,2]})",
      {1, 1, 1, 1});
  const Checkpoint c = parse_checkpoint(file, "zero.qmf");
  EXPECT_EQ(c.values.size(), 2u);
}

TEST(CheckpointFuzzFindings, AFloatCountIsRefusedNamingIt) {
  const std::string file = forged_checkpoint(
      R"({"model":"qmfnn","optimizer":"adam","optimizer_step":4.4e+35,"epochs_done":1,)"
      R"("extra":{},"blocks":[{"name":"w","size":2,"kind":"classical"}],"buffers":[2,2]})",
      {1, 1, 1, 1, 1, 1});
  try {
    parse_checkpoint(file, "float.qmf");
    ADD_FAILURE() << "a non-integer optimizer_step was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("float.qmf"), std::string::npos) << e.what();
  }
}

// The third finding (a header whose length runs into the CRC bytes, which must then also be
// JSON whitespace) needs a forged CRC found by search; its input is kept in the checkpoint
// fuzzer's seed corpus (fuzz/corpus/checkpoint/header-eats-crc.qmf) instead.

}  // namespace
}  // namespace qmf::train
