// The progress display: a redrawn bar only on a terminal; plain, short lines otherwise (logs,
// pipes, CI), with no carriage returns or escape sequences.
#include "train/progress.h"

#include <string>

#include <gtest/gtest.h>

#include "support/train_support.h"

namespace qmf::train {
namespace {

using qmf::testing::QuietProgress;

TEST(TrainProgress, WithoutATerminalPrintsPlainLines) {
  QuietProgress out;  // a tmpfile(): not a terminal
  Progress& p = out.get();
  p.start("epoch 1/2", 1000);
  for (size_t done = 10; done <= 1000; done += 10) p.update(done, 0.5, 0.75);
  p.finish("epoch 1/2 done");
  p.start("epoch 2/2", 7);
  for (size_t done = 1; done <= 7; ++done) p.update(done, 0.25, 1.0);
  p.finish("epoch 2/2 done");

  const std::string text = out.text();
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');

  const auto lines = qmf::testing::split(text, '\n');
  // A few lines per epoch (here one per quarter, then the final line), not one per update.
  EXPECT_GE(lines.size(), 2u);
  EXPECT_LE(lines.size(), 10u) << text;
  EXPECT_EQ(lines.back(), "epoch 2/2 done");
  bool saw_first = false;
  for (const auto& line : lines) {
    EXPECT_FALSE(line.empty()) << text;
    saw_first = saw_first || line == "epoch 1/2 done";
  }
  EXPECT_TRUE(saw_first) << text;
  // Interim lines carry the label and the running loss and accuracy.
  EXPECT_NE(text.find("epoch 1/2"), std::string::npos);
  EXPECT_NE(text.find("0.5000"), std::string::npos) << text;
  EXPECT_NE(text.find("75.0%"), std::string::npos) << text;
}

TEST(TrainProgress, EmptyEpochAndFinishAloneAreFine) {
  QuietProgress out;
  Progress& p = out.get();
  p.start("nothing", 0);
  p.update(0, 0.0, 0.0);
  p.finish("summary line");
  const std::string text = out.text();
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_NE(text.find("summary line\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace qmf::train
