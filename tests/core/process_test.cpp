// External programs are run by argument vector: no argument or directory name is ever read by a
// shell, and failures name the program, its status and the end of its output.
#include "core/process.h"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"

namespace qmf {
namespace {

namespace fs = std::filesystem;

bool exited_0(const ProcessResult& r) { return WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0; }

std::string message_of(const std::vector<std::string>& argv, const fs::path& cwd) {
  try {
    run_program(argv, cwd, "the hint");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Process, ArgumentsReachTheProgramVerbatim) {
  const data::TempDir tmp("qmf-process");
  const std::vector<std::string> words = {
      "it's", "two words", "a;touch pwned", "$(touch pwned)", "`touch pwned`", "\"q\"", "*", ""};
  std::vector<std::string> argv = {"printf", "[%s]\\n"};
  argv.insert(argv.end(), words.begin(), words.end());
  const ProcessResult r = run_process(argv, tmp.path());
  ASSERT_TRUE(exited_0(r)) << r.output;
  std::string expected;
  for (const std::string& w : words) expected += "[" + w + "]\n";
  EXPECT_EQ(r.output, expected);
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "a word was run as a command";
}

TEST(Process, RunsInADirectoryWhoseNameHoldsQuotesAndCommands) {
  const data::TempDir tmp("qmf-process");
  const fs::path dir = tmp.path() / "it's $(touch pwned) `touch pwned`";
  fs::create_directories(dir);
  const ProcessResult r = run_process({"pwd"}, dir);
  ASSERT_TRUE(exited_0(r)) << r.output;
  EXPECT_EQ(r.output, fs::canonical(dir).string() + "\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), {}), 1);  // only `dir`
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(Process, StdinIsEmptyAndLongOutputKeepsItsEnd) {
  const data::TempDir tmp("qmf-process");
  EXPECT_EQ(run_process({"cat"}, tmp.path()).output, "");  // reads /dev/null, not our stdin
  const ProcessResult r = run_process({"seq", "1", "200000"}, tmp.path());
  ASSERT_TRUE(exited_0(r));
  EXPECT_LE(r.output.size(), 64u * 1024);
  EXPECT_TRUE(r.output.ends_with("199999\n200000\n"));
}

TEST(Process, AMissingProgramIsNamedAsNotInstalled) {
  const data::TempDir tmp("qmf-process");
  const std::string msg = message_of({"qmf-no-such-program", "x"}, tmp.path());
  EXPECT_NE(msg.find("qmf-no-such-program is not installed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("scripts/install-deps.sh"), std::string::npos) << msg;
}

TEST(Process, AMissingDirectoryIsNamed) {
  const data::TempDir tmp("qmf-process");
  const std::string msg = message_of({"true"}, tmp.path() / "gone");
  EXPECT_NE(msg.find("gone: no such directory"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("not installed"), std::string::npos) << msg;
}

TEST(Process, AFailureNamesTheProgramItsStatusAndTheEndOfItsOutput) {
  const data::TempDir tmp("qmf-process");
  const std::string msg =
      message_of({"sh", "-c", "echo early; echo 'E404 not found' >&2; exit 3"}, tmp.path());
  EXPECT_NE(msg.find("`sh -c"), std::string::npos) << msg;
  EXPECT_NE(msg.find("exited with status 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the hint"), std::string::npos) << msg;
  EXPECT_NE(msg.find("E404 not found"), std::string::npos) << msg;  // stderr is captured too
  const std::string killed = message_of({"sh", "-c", "kill -9 $$"}, tmp.path());
  EXPECT_NE(killed.find("killed by signal 9"), std::string::npos) << killed;
}

}  // namespace
}  // namespace qmf
