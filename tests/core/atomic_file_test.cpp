// write_file_atomic: the file is whole or absent, a failure names the target the caller gave,
// and the temporary it writes beside the target is recognisable as such.
#include "core/atomic_file.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/file_write.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFile, WritesAndReplacesLeavingNoTemporary) {
  const data::TempDir tmp("qmf-atomic");
  const fs::path file = tmp.path() / "a.txt";
  write_file_atomic(file, "first");
  write_file_atomic(file, "second");
  EXPECT_EQ(read_file(file), "second");
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), std::vector<std::string>{"a.txt"});
}

TEST(AtomicFile, AFailureNamesTheTargetNotTheTemporary) {
  const data::TempDir tmp("qmf-atomic");
  qmf::testing::write_text(tmp.path() / "blocker", "keep");
  const fs::path file = tmp.path() / "blocker" / "a.txt";
  try {
    write_file_atomic(file, "x");
    FAIL() << "wrote below a regular file";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), file.string() + ": cannot create: Not a directory");
  }
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), std::vector<std::string>{"blocker"});
}

TEST(AtomicFile, RecognisesItsOwnTemporariesOnly) {
  EXPECT_TRUE(is_atomic_temporary("run/config.toml.tmp-4242"));
  EXPECT_TRUE(is_atomic_temporary("checkpoint.qmf.tmp-1"));
  for (const char* other : {"notes.txt", "x.tmp-", "x.tmp-12a", ".tmp-12", "x.tmp-12/y", "tmp-3"})
    EXPECT_FALSE(is_atomic_temporary(other)) << other;
}

}  // namespace
}  // namespace qmf
