// Paths that are not regular files, as outputs and as inputs: a device or FIFO written over is
// written into (never replaced by a renamed temporary), `-` is standard output, a FIFO with no
// one at the other end fails at once instead of waiting for ever, and reads stop at a byte cap
// whatever the file system says about the size.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/file_bytes.h"
#include "data/views/user_files.h"
#include "support/file_write.h"
#include "support/run_command.h"
#include "support/sim_support.h"
#include "support/train_support.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;
using qmf::testing::contains;
using qmf::testing::error_message;

// Far beyond any prompt return: reached only when a call waits on the other end of a FIFO.
constexpr auto kHangLimit = std::chrono::seconds(20);

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode;
}

fs::path make_fifo(const fs::path& p) {
  EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0) << p << ": " << std::strerror(errno);
  return p;
}

// Runs `f` (which returns what it read, or throws) on a thread. Should it still be running after
// kHangLimit, the FIFO gets a reader and a writer for a moment, which ends any wait for either,
// and the test fails: a hang shows as a failure, not as a stuck suite.
std::string outcome_unless_hung(const fs::path& fifo, const std::function<std::string()>& f) {
  std::promise<std::string> result;
  std::future<std::string> done = result.get_future();
  std::thread worker([&] {
    try {
      result.set_value("returned: " + f());
    } catch (const Error& e) {
      result.set_value(e.what());
    }
  });
  if (done.wait_for(kHangLimit) != std::future_status::ready) {
    ADD_FAILURE() << "still waiting on " << fifo << " after " << kHangLimit.count() << " s";
    const int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  worker.join();
  return done.get();
}

// ---------------------------------------------------------------------------------------------
// Writing.

// A character device like /dev/null: a node of our own when we may make one (root), else
// /dev/null itself, which a non-root process could not have replaced anyway.
fs::path null_device(const fs::path& dir) {
  const fs::path node = dir / "null";
  if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) return node;
  return "/dev/null";
}

TEST(SpecialFiles, ACharacterDeviceIsWrittenIntoNotReplaced) {
  const data::TempDir tmp("qmf-special");
  const fs::path dev = null_device(tmp.path());
  write_file_atomic(dev, "discarded");
  EXPECT_TRUE(S_ISCHR(mode_of(dev))) << dev << " was replaced";
  EXPECT_EQ(read_file(dev), "");  // still the null device
  for (const auto& e : fs::directory_iterator(dev.parent_path()))
    EXPECT_FALSE(is_atomic_temporary(e.path()) && e.path().string().starts_with(dev.string()))
        << e.path();
}

TEST(SpecialFiles, AFifoWithAReaderGetsTheBytesAndStaysAFifo) {
  const data::TempDir tmp("qmf-special");
  const fs::path fifo = make_fifo(tmp.path() / "out.fifo");
  // The reader opens first (without waiting), so the writer finds it there; its thread then
  // drains a payload larger than the pipe buffer, so the writer must block rather than fail.
  // Until the writer opens its end, a read finds no writer and returns 0: the reader polls, for
  // at most 20 s, until the whole payload is in.
  const int rfd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rfd, 0);
  const std::string payload(1 << 20, 'q');
  std::string received;
  std::thread reader([&] {
    char buf[65536];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (received.size() < payload.size() && std::chrono::steady_clock::now() < deadline) {
      const ssize_t n = ::read(rfd, buf, sizeof buf);
      if (n > 0)
        received.append(buf, size_t(n));
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  write_file_atomic(fifo, payload);
  reader.join();
  ::close(rfd);
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(S_ISFIFO(mode_of(fifo)));
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), std::vector<std::string>{"out.fifo"});
}

TEST(SpecialFiles, AFifoWithoutAReaderFailsAtOnceNamingIt) {
  const data::TempDir tmp("qmf-special");
  const fs::path fifo = make_fifo(tmp.path() / "out.fifo");
  const std::string message = outcome_unless_hung(fifo, [&] {
    write_file_atomic(fifo, "x");
    return std::string();
  });
  EXPECT_TRUE(contains(message, fifo.string() + ": is a FIFO (named pipe) that no reader has open"))
      << message;
  EXPECT_TRUE(S_ISFIFO(mode_of(fifo)));
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), std::vector<std::string>{"out.fifo"});
}

TEST(SpecialFiles, ADirectoryOrSocketTargetIsRefusedNamingIt) {
  const data::TempDir tmp("qmf-special");
  const fs::path dir = tmp.path() / "d";
  fs::create_directories(dir);
  EXPECT_EQ(error_message([&] { write_file_atomic(dir, "x"); }),
            dir.string() +
                ": is a directory; qmf writes to files, FIFOs and character devices "
                "only");
  EXPECT_TRUE(fs::is_directory(dir));

  const fs::path sock = tmp.path() / "s";
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.string().size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock.c_str());
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_TRUE(contains(error_message([&] { write_file_atomic(sock, "x"); }),
                       sock.string() + ": is a socket"));
  EXPECT_TRUE(S_ISSOCK(mode_of(sock)));
  ::close(s);
  EXPECT_EQ(qmf::testing::file_names(tmp.path()), (std::vector<std::string>{"d", "s"}));
}

TEST(SpecialFiles, ASymlinkIsFollowedToTheFileItNamesAndStaysALink) {
  const data::TempDir tmp("qmf-special");
  qmf::testing::write_text(tmp.path() / "real.txt", "old");
  fs::create_symlink("real.txt", tmp.path() / "link.txt");
  write_file_atomic(tmp.path() / "link.txt", "new");
  EXPECT_TRUE(fs::is_symlink(tmp.path() / "link.txt"));
  EXPECT_EQ(read_file(tmp.path() / "real.txt"), "new");

  const fs::path dangling = tmp.path() / "dangling.txt";
  fs::create_symlink("nowhere.txt", dangling);
  EXPECT_EQ(error_message([&] { write_file_atomic(dangling, "x"); }),
            dangling.string() + ": is a symbolic link to 'nowhere.txt', which does not exist");
  EXPECT_TRUE(fs::is_symlink(dangling));
  EXPECT_EQ(qmf::testing::file_names(tmp.path()),
            (std::vector<std::string>{"dangling.txt", "link.txt", "real.txt"}));
}

TEST(SpecialFiles, DashWritesToStandardOutput) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(pipe_fds[1], STDOUT_FILENO);
  ::close(pipe_fds[1]);
  std::string message;
  try {
    write_output("-", "OPENQASM 3.0;\n");
  } catch (const Error& e) {
    message = e.what();
  }
  ::dup2(saved, STDOUT_FILENO);  // the pipe's last writer is gone: the read below ends
  ::close(saved);
  char buf[256];
  const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
  ::close(pipe_fds[0]);
  EXPECT_EQ(message, "");
  EXPECT_EQ(std::string(buf, size_t(std::max<ssize_t>(n, 0))), "OPENQASM 3.0;\n");
  EXPECT_FALSE(fs::exists("-"));
}

TEST(SpecialFiles, WriteOutputToAPathIsTheAtomicWrite) {
  const data::TempDir tmp("qmf-special");
  write_output(tmp.path() / "a.qasm", "x");
  EXPECT_EQ(read_file(tmp.path() / "a.qasm"), "x");
}

// ---------------------------------------------------------------------------------------------
// Reading.

TEST(SpecialFiles, AFifoWithNoWriterFailsAtOnceNamingIt) {
  const data::TempDir tmp("qmf-special");
  const fs::path fifo = make_fifo(tmp.path() / "in.fifo");
  const std::string message = outcome_unless_hung(fifo, [&] { return read_file(fifo); });
  EXPECT_EQ(message, fifo.string() +
                         ": nothing to read: it is a FIFO (pipe) that no writer has "
                         "open, or whose writer wrote nothing");
}

TEST(SpecialFiles, AFifoIsReadToItsWritersEnd) {
  const data::TempDir tmp("qmf-special");
  const fs::path fifo = make_fifo(tmp.path() / "in.fifo");
  // The test is the writer, there before the reader opens; it closes once the reader has taken
  // everything, so the reader sees the end.
  const int wfd = ::open(fifo.c_str(), O_RDWR);
  ASSERT_GE(wfd, 0);
  ASSERT_EQ(::write(wfd, "[train]\n", 8), 8);
  std::thread closer([&] {
    const auto deadline = std::chrono::steady_clock::now() + kHangLimit;
    for (int left = 1; left > 0 && std::chrono::steady_clock::now() < deadline;) {
      ::ioctl(wfd, FIONREAD, &left);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ::close(wfd);
  });
  const std::string got = outcome_unless_hung(fifo, [&] { return read_file(fifo); });
  closer.join();
  EXPECT_EQ(got, "returned: [train]\n");
}

TEST(SpecialFiles, APipeWhoseWriterHasFinishedIsRead) {
  // What a process substitution, <(...), hands over: /dev/fd/N, a pipe.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ASSERT_EQ(::write(pipe_fds[1], "a = 1\n", 6), 6);
  ::close(pipe_fds[1]);
  const fs::path fd_path = "/dev/fd/" + std::to_string(pipe_fds[0]);
  EXPECT_EQ(read_file(fd_path), "a = 1\n");
  ::close(pipe_fds[0]);
}

TEST(SpecialFiles, DevZeroStopsAtTheCapNamingFileAndCap) {
  EXPECT_EQ(error_message([] { read_file("/dev/zero"); }),
            fmt::format("/dev/zero: holds more than {} bytes, the most qmf reads from such a file",
                        kMaxTextFileBytes));
  EXPECT_EQ(error_message([] { read_file("/dev/zero", 1000); }),
            "/dev/zero: holds more than 1000 bytes, the most qmf reads from such a file");
}

TEST(SpecialFiles, ARegularFileOverTheCapFailsBeforeItIsRead) {
  const data::TempDir tmp("qmf-special");
  qmf::testing::write_text(tmp.path() / "big.toml", std::string(101, 'x'));
  EXPECT_EQ(read_file(tmp.path() / "big.toml", 101), std::string(101, 'x'));
  EXPECT_TRUE(contains(error_message([&] { read_file(tmp.path() / "big.toml", 100); }),
                       "big.toml: holds more than 100 bytes"));
}

TEST(SpecialFiles, NonRegularInputsAreNamedForWhatTheyAre) {
  const data::TempDir tmp("qmf-special");
  EXPECT_EQ(error_message([&] { read_file(tmp.path()); }),
            tmp.path().string() + ": is a directory, not a regular file");
  EXPECT_EQ(read_file("/dev/null"), "");  // a stream that ends at once: an empty file
  EXPECT_EQ(error_message([] { read_binary_file("/dev/null"); }),
            "/dev/null: is a character device, not a regular file");
  const fs::path fifo = make_fifo(tmp.path() / "data.fifo");
  EXPECT_EQ(outcome_unless_hung(fifo,
                                [&] {
                                  const std::vector<uint8_t> bytes = data::read_file_bytes(fifo);
                                  return std::string(bytes.begin(), bytes.end());
                                }),
            fifo.string() + ": is a FIFO (named pipe), not a regular file");
  fs::create_symlink("gone.qmf", tmp.path() / "checkpoint.qmf");
  EXPECT_EQ(error_message([&] { read_binary_file(tmp.path() / "checkpoint.qmf"); }),
            (tmp.path() / "checkpoint.qmf").string() +
                ": is a symbolic link to 'gone.qmf', which does not exist");
  EXPECT_EQ(error_message([&] { read_file(tmp.path() / "none.toml"); }),
            (tmp.path() / "none.toml").string() + ": no such file");
}

// ---------------------------------------------------------------------------------------------
// User data (view files): a modality file that is a FIFO or a dangling link is named, never
// skipped.

// DIR/{train,test}/1-a.csv and labels.csv, four samples of two features, two classes.
fs::path user_data(const fs::path& dir) {
  for (const char* split : {"train", "test"}) {
    qmf::testing::write_text(dir / split / "1-a.csv", "1,2\n3,4\n5,6\n7,8\n");
    qmf::testing::write_text(dir / split / "labels.csv", "0\n1\n0\n1\n");
  }
  return dir;
}

TEST(SpecialFiles, AUserDataModalityThatIsNotARegularFileIsNamed) {
  const data::TempDir tmp("qmf-special");
  const fs::path dir = user_data(tmp.path() / "mine");
  ASSERT_EQ(data::read_user_files(dir).modality_names, std::vector<std::string>{"1-a"});

  const fs::path modality = dir / "train" / "2-b.csv";
  fs::create_symlink("2-b-moved.csv", modality);
  EXPECT_EQ(error_message([&] { data::read_user_files(dir); }),
            modality.string() +
                ": is a symbolic link to '2-b-moved.csv', which does not exist; "
                "data.files reads regular files only");
  fs::remove(modality);

  make_fifo(modality);
  EXPECT_EQ(outcome_unless_hung(modality,
                                [&] {
                                  data::read_user_files(dir);
                                  return std::string();
                                }),
            modality.string() + ": is a FIFO (named pipe); data.files reads regular files only");
  // Nor a directory of that name.
  fs::remove(modality);
  fs::create_directories(modality);
  EXPECT_EQ(error_message([&] { data::read_user_files(dir); }),
            modality.string() + ": is a directory; data.files reads regular files only");
}

}  // namespace
}  // namespace qmf
