// gnuplot runs without a shell in any output directory, and a figure appears only complete.
#include "report/gnuplot.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "support/train_support.h"

namespace qmf::report {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBothFigures =
    "set terminal pngcairo size 200,150\nset output 'fig.png'\nplot x\n"
    "set terminal svg size 200,150\nset output 'fig.svg'\nreplot\n";

class Gnuplot : public ::testing::Test {
 protected:
  std::string error_of(const fs::path& dir, const std::string& script) {
    try {
      run_gnuplot(dir, script);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  data::TempDir tmp_{"qmf-gnuplot"};
};

TEST_F(Gnuplot, AnOutputDirectoryNamedWithQuotesAndCommandsIsOnlyAName) {
  const fs::path dir = tmp_.path() / "it's $(touch pwned) `touch pwned`; touch pwned";
  fs::create_directories(dir);
  run_gnuplot(dir, kBothFigures);
  EXPECT_TRUE(testing::slurp(dir / "fig.png").starts_with("\x89PNG"));
  EXPECT_NE(testing::slurp(dir / "fig.svg").find("</svg>"), std::string::npos);
  // Nothing else: no temporaries, no log, and no command ran (it would have made `pwned`).
  EXPECT_EQ(testing::file_names(dir), (std::vector<std::string>{"fig.png", "fig.svg", "plot.gp"}));
  EXPECT_EQ(testing::file_names(tmp_.path()), std::vector<std::string>{dir.filename().string()});
  EXPECT_FALSE(fs::exists("pwned"));
}

TEST_F(Gnuplot, AFigureThatCannotBeInstalledLeavesNoFileAndIsNamed) {
  fs::create_directories(tmp_.path() / "fig.png");  // where gnuplot's figure should go
  const std::string msg = error_of(tmp_.path(), kBothFigures);
  EXPECT_NE(msg.find((tmp_.path() / "fig.png").string()), std::string::npos) << msg;
  EXPECT_EQ(testing::file_names(tmp_.path()), (std::vector<std::string>{"fig.png", "plot.gp"}));
  EXPECT_TRUE(fs::is_empty(tmp_.path() / "fig.png"));
}

TEST_F(Gnuplot, AFigureGnuplotDidNotFinishIsRefusedAndRemoved) {
  // gnuplot opens the output but never draws: an empty file, as a full disk would leave one.
  const std::string msg =
      error_of(tmp_.path(), "set terminal pngcairo size 200,150\nset output 'unfinished.png'\n");
  EXPECT_NE(msg.find("unfinished.png"), std::string::npos) << msg;
  EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
  EXPECT_EQ(testing::file_names(tmp_.path()), std::vector<std::string>{"plot.gp"});
}

TEST_F(Gnuplot, AScriptErrorIsReportedInTheUsersTerms) {
  const std::string msg = error_of(
      tmp_.path(), "set terminal svg\nset output 'fig.svg'\nplot 'no-such-data.dat' using 1:2\n");
  EXPECT_NE(msg.find("gnuplot exited with status 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"plot.gp\" line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no-such-data.dat"), std::string::npos) << msg;
  EXPECT_EQ(testing::file_names(tmp_.path()), std::vector<std::string>{"plot.gp"});
}

TEST(GnuplotQuoted, DoublesQuotes) {
  EXPECT_EQ(gnuplot_quoted("mnist/split-h2"), "'mnist/split-h2'");
  EXPECT_EQ(gnuplot_quoted("it's"), "'it''s'");
}

}  // namespace
}  // namespace qmf::report
