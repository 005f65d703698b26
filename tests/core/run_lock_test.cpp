// DirLock and create_directory_exclusive (core/run_lock.h): one holder at a time, the holder
// named to whoever is refused, a lock left by a dead process taken over, and exactly one winner
// among processes racing to create the same directory.
#include "core/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/file_write.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

fs::path lock_file(const fs::path& dir) { return dir / DirLock::kFileName; }

// A child process that takes the lock as DirLock does, with raw system calls only (the test
// process may have threads, so the child does nothing that could wait on their locks), writes
// `text` into the lock file, then runs `then`.
template <class Then>
pid_t child_holding(const fs::path& dir, const std::string& text, Then then) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(lock_file(dir).c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) ::_exit(3);
    if (::write(fd, text.data(), text.size()) < 0) ::_exit(4);
    then();
    ::_exit(0);
  }
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(DirLock, ASecondLockOfTheDirectoryIsRefusedNamingTheHolder) {
  const data::TempDir tmp("qmf-lock");
  const DirLock first(tmp.path());
  try {
    // Another open file description: what another process would get.
    const DirLock second(tmp.path());
    FAIL() << "the directory was locked twice";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(tmp.path().string()), std::string::npos) << message;
    EXPECT_NE(message.find("pid " + std::to_string(::getpid())), std::string::npos) << message;
  }
}

TEST(DirLock, AHolderInAnotherProcessIsNamedAndItsLockEndsWithIt) {
  const data::TempDir tmp("qmf-lock");
  int locked[2], done[2];
  ASSERT_EQ(::pipe(locked), 0);
  ASSERT_EQ(::pipe(done), 0);
  const pid_t child = child_holding(tmp.path(), "pid 4321 (qmf train --out r)\n", [&] {
    char c = 'x';
    if (::write(locked[1], &c, 1) != 1 || ::read(done[0], &c, 1) != 1) ::_exit(5);
  });
  char c = 0;
  ASSERT_EQ(::read(locked[0], &c, 1), 1) << "the child did not lock";
  try {
    const DirLock lock(tmp.path());
    ADD_FAILURE() << "locked a directory another process holds";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pid 4321 (qmf train --out r)"), std::string::npos)
        << e.what();
  }
  ASSERT_EQ(::write(done[1], &c, 1), 1);
  EXPECT_EQ(exit_status(child), 0);
  for (int fd : {locked[0], locked[1], done[0], done[1]}) ::close(fd);
  // The holder has exited without removing its lock file: the kernel dropped the lock.
  const DirLock lock(tmp.path());
  EXPECT_NE(qmf::testing::slurp(lock_file(tmp.path())).find("pid " + std::to_string(::getpid())),
            std::string::npos);
}

TEST(DirLock, ALockFileLeftByADeadProcessIsTakenOverAndRemovedOnRelease) {
  const data::TempDir tmp("qmf-lock");
  const pid_t child = child_holding(tmp.path(), "pid 1 (killed)\n", [] {});
  ASSERT_EQ(exit_status(child), 0);
  ASSERT_TRUE(fs::exists(lock_file(tmp.path())));
  {
    DirLock lock(tmp.path());
    EXPECT_EQ(qmf::testing::slurp(lock_file(tmp.path())).find("killed"), std::string::npos);
    DirLock moved(std::move(lock));  // the lock goes with the object
    EXPECT_TRUE(fs::exists(lock_file(tmp.path())));
  }
  EXPECT_FALSE(fs::exists(lock_file(tmp.path())));
  const DirLock again(tmp.path());  // released: free for the next
}

TEST(DirLock, ADirectoryThatIsNotThereIsAnErrorNamingIt) {
  const data::TempDir tmp("qmf-lock");
  const fs::path missing = tmp.path() / "missing";
  try {
    const DirLock lock(missing);
    FAIL() << "locked a directory that does not exist";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
  }
}

TEST(CreateDirectoryExclusive, OneOfManyRacingCreatorsGetsTheName) {
  const data::TempDir tmp("qmf-lock");
  const fs::path dir = tmp.path() / "run";
  std::atomic<int> winners{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 8; ++i)
    racers.emplace_back([&] { winners += create_directory_exclusive(dir) ? 1 : 0; });
  for (auto& t : racers) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_FALSE(create_directory_exclusive(dir));
}

TEST(CreateDirectoryExclusive, AFailureOtherThanExistingIsAnErrorNamingThePath) {
  const data::TempDir tmp("qmf-lock");
  qmf::testing::write_text(tmp.path() / "blocker", "keep");
  const fs::path under = tmp.path() / "blocker" / "run";
  try {
    create_directory_exclusive(under);
    FAIL() << "created a directory below a regular file";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              under.string() + ": cannot create the directory: Not a directory");
  }
}

}  // namespace
}  // namespace qmf
