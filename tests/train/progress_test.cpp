// The progress display: a redrawn bar only on a terminal; plain, short lines otherwise (logs,
// pipes, CI), with no carriage returns or escape sequences.
#include "train/progress.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

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

// A clock the test moves by hand.
struct ManualClock {
  double seconds = 0;
  std::function<double()> fn() {
    return [this] { return seconds; };
  }
};

// A Progress writing to a tmpfile with the options given, and what it wrote.
struct Captured {
  explicit Captured(ProgressOptions options)
      : file(std::tmpfile()), progress(file, std::move(options)) {}
  ~Captured() { std::fclose(file); }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;
  std::string text() const {
    std::fflush(file);
    std::rewind(file);
    std::string out;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) out.append(buf, n);
    return out;
  }
  std::FILE* file;
  Progress progress;
};

ProgressFigures busy_figures() {
  return {.label = "epoch 12/100",
          .done = 31415,
          .total = 60000,
          .loss = 1.23456,
          .accuracy = 0.875,
          .rate = 123456.7,
          .eta = 3725};
}

class ProgressWidth : public ::testing::TestWithParam<int> {};

TEST_P(ProgressWidth, TheBarNeverReachesTheLastColumn) {
  const int width = GetParam();
  const std::string line = bar_line(busy_figures(), width);
  EXPECT_LT(static_cast<int>(line.size()), width) << line;
  EXPECT_TRUE(line.starts_with("epoch 12/100")) << line;
  EXPECT_NE(line.find("52%"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 1:02:05"), std::string::npos) << line;
  if (width >= 80) {
    EXPECT_NE(line.find("loss 1.2346"), std::string::npos) << line;
    EXPECT_NE(line.find("acc  87.5%"), std::string::npos) << line;
    EXPECT_NE(line.find('['), std::string::npos) << line;
  }
  if (width >= 200) EXPECT_NE(line.find("123457 samples/s"), std::string::npos) << line;
}

TEST_P(ProgressWidth, FieldsWrapIntoLinesThatFit) {
  const int width = GetParam();
  const std::vector<std::string> fields = {
      "qmfnn: 2 modalities -> registers 4+4 (amplitude encoding), ffn [64] relu, fusion: 2 "
      "entangling layers, qcnn conv6 shared, readout probs over 10 classes",
      "mnist/split-h2: 60000 train / 10000 test samples, 10 classes",
      "params 100544 classical + 96 quantum = 100640",
      "averyveryveryveryveryveryveryveryveryverylongwordwithoutanyspacesinitatalltobecut"};
  const std::vector<std::string> lines = wrap_fields(fields, width, "  |  ");
  std::string words;
  for (const std::string& line : lines) {
    EXPECT_LE(static_cast<int>(line.size()), width) << line;
    EXPECT_FALSE(line.empty());
    words += line;
  }
  // Nothing is lost: every word of every field is there, in order.
  size_t at = 0;
  for (const std::string& word : {"qmfnn:", "classes", "mnist/split-h2:", "params", "100640"}) {
    const size_t found = words.find(word, at);
    EXPECT_NE(found, std::string::npos) << word;
    at = found == std::string::npos ? at : found;
  }
  if (width >= 200) EXPECT_EQ(lines.front(), fields.front());
}

TEST_P(ProgressWidth, TerminalOutputFitsBetweenItsLineBreaks) {
  const int width = GetParam();
  ManualClock clock;
  Captured out({.terminal = true, .width = width, .clock = clock.fn()});
  out.progress.start("epoch 1/3", 60000);
  for (size_t done = 6000; done <= 60000; done += 6000) {
    clock.seconds += 1;
    out.progress.update(done, 0.5, 0.25);
  }
  out.progress.finish_fields({"epoch 1/3", "train loss 0.5000 acc 25.00%",
                              "val loss 0.4000 acc 30.00%", "test loss 0.6000 acc 20.00%",
                              "10.0 s (6000 samples/s)"});
  const std::string text = out.text();
  EXPECT_NE(text.find('\r'), std::string::npos) << "no bar was drawn";
  // Every piece the terminal shows, between carriage returns and newlines, minus the escape
  // that clears the rest of the line.
  std::string piece;
  for (char ch : text) {
    if (ch == '\r' || ch == '\n') {
      const auto esc = piece.find("\x1b[K");
      if (esc != std::string::npos) piece.erase(esc, 3);
      EXPECT_LT(static_cast<int>(piece.size()), width) << piece;
      piece.clear();
    } else {
      piece += ch;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Widths, ProgressWidth, ::testing::Values(40, 80, 200),
                         [](const auto& p) { return "width" + std::to_string(p.param); });

TEST(TrainProgress, NarrowTerminalsDropFieldsAndNeverOverflow) {
  for (int width = 1; width <= 60; ++width) {
    const std::string line = bar_line(busy_figures(), width);
    EXPECT_LE(static_cast<int>(line.size()), std::max(width - 1, 1)) << width << ": " << line;
  }
  const std::vector<std::string> narrow = wrap_fields({"a b c", "dddddddddddddddd"}, 10, " | ");
  for (const std::string& line : narrow) EXPECT_LE(line.size(), 10u) << line;
}

TEST(TrainProgress, PlainLinesCarryTheEta) {
  ManualClock clock;
  Captured out({.terminal = false, .clock = clock.fn()});
  out.progress.start("epoch 1/1", 1000);
  for (size_t done = 100; done <= 1000; done += 100) {
    clock.seconds += 2;  // 50 samples/s
    out.progress.update(done, 0.5, 0.5);
  }
  const std::string text = out.text();
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  // The 25 % line comes at 300 of 1000 (the first update past it): 700 left at 50 samples/s.
  EXPECT_NE(text.find("epoch 1/1  25%  loss 0.5000  acc  50.0%  50 samples/s  ETA 0:14"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ETA 0:10"), std::string::npos) << text;  // at 500
}

// An epoch resumed at 600 of 1000 samples: 600 took no time in this process, so the rate is that
// of the samples trained since, and the ETA follows from it.
TEST(TrainProgress, AfterAResumeTheFiguresCountOnlyThisProcesssSamples) {
  const ProgressFigures f = progress_figures("epoch 2/2", 600, 700, 1000, 0.1, 0.9, 10.0);
  EXPECT_DOUBLE_EQ(f.rate, 10.0);  // 100 samples in 10 s, not 700
  EXPECT_DOUBLE_EQ(f.eta, 30.0);   // 300 left

  ManualClock clock;
  Captured out({.terminal = false, .clock = clock.fn()});
  out.progress.start("epoch 2/2", 1000, 600);
  clock.seconds = 15;
  out.progress.update(750, 0.1, 0.9);
  clock.seconds = 20;
  out.progress.update(800, 0.1, 0.9);
  const std::string text = out.text();
  // Quarters passed before the resume are not announced again; 75 % is, at 150 samples in 15 s.
  EXPECT_EQ(text.find(" 25%"), std::string::npos) << text;
  EXPECT_EQ(text.find(" 50%"), std::string::npos) << text;
  EXPECT_NE(text.find("epoch 2/2  75%  loss 0.1000  acc  90.0%  10 samples/s  ETA 0:25"),
            std::string::npos)
      << text;
}

TEST(TrainProgress, AResumeBeforeAnySampleHasNoRateYet) {
  const ProgressFigures f = progress_figures("epoch 2/2", 600, 600, 1000, 0, 0, 0.0);
  EXPECT_EQ(f.rate, 0.0);
  EXPECT_LT(f.eta, 0.0);
  EXPECT_NE(plain_line(f).find("ETA --:--"), std::string::npos) << plain_line(f);
}

TEST(TrainProgress, FieldsAreOneLineWithoutATerminal) {
  Captured out({.terminal = false, .width = 40});
  out.progress.finish_fields({std::string(60, 'x'), "y", "z"}, "  |  ");
  EXPECT_EQ(out.text(), std::string(60, 'x') + "  |  y  |  z\n");
}

}  // namespace
}  // namespace qmf::train
