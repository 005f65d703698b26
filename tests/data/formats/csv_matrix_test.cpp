// CSV number tables: header skipping, line ends, blanks, and every rejection with its
// file:line:column.
#include "data/formats/csv_matrix.h"

#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/formats/idx_write.h"
#include "support/sim_support.h"

namespace qmf::data {
namespace {

NumericArray parse(const std::string& text) { return parse_csv_matrix(text, "x.csv"); }

std::string message(const std::string& text) {
  return qmf::testing::error_message([&] { parse(text); });
}

#define EXPECT_MESSAGE(text, needle)                                                        \
  do {                                                                                      \
    const std::string msg_ = message(text);                                                 \
    EXPECT_NE(msg_.find(needle), std::string::npos) << "input: " << (text) << "\n" << msg_; \
  } while (0)

TEST(CsvMatrix, ReadsRowsAndColumns) {
  const NumericArray a = parse("1,2,3\n4.5,-6e2,0.125\n");
  EXPECT_EQ(a.rows, 2u);
  EXPECT_EQ(a.cols, 3u);
  EXPECT_EQ(a.at(0, 2), 3);
  EXPECT_EQ(a.at(1, 0), 4.5);
  EXPECT_EQ(a.at(1, 1), -600);
  EXPECT_EQ(a.at(1, 2), 0.125);
}

TEST(CsvMatrix, SingleColumnAndNoFinalNewline) {
  const NumericArray a = parse("3\n1\n2");
  EXPECT_EQ(a.rows, 3u);
  EXPECT_EQ(a.cols, 1u);
  EXPECT_EQ(a.at(2, 0), 2);
}

TEST(CsvMatrix, SkipsAHeaderLine) {
  const NumericArray a = parse("width,height\n1,2\n3,4\n");
  EXPECT_EQ(a.rows, 2u);
  EXPECT_EQ(a.at(0, 0), 1);
  // A header is only ever the first line, and one field that is not a number makes it one.
  EXPECT_EQ(parse("a,1\n1,2\n").rows, 1u);
  EXPECT_MESSAGE("a,b\nc,d\n", "x.csv:2:1: 'c' is not a number");
}

TEST(CsvMatrix, AllowsBlanksAroundFieldsPlusSignCrlfAndByteOrderMark) {
  const NumericArray a = parse("\xEF\xBB\xBFx, y\r\n 1 ,\t+2\r\n3,4\r\n\r\n\n");
  EXPECT_EQ(a.rows, 2u);
  EXPECT_EQ(a.at(0, 0), 1);
  EXPECT_EQ(a.at(0, 1), 2);
  EXPECT_EQ(a.at(1, 1), 4);
}

TEST(CsvMatrix, UsesThePointWhateverTheLocale) {
  // from_chars ignores the locale: "1,5" is two fields, never one and a half.
  const NumericArray a = parse("1,5\n");
  EXPECT_EQ(a.cols, 2u);
  EXPECT_MESSAGE("1,2\n1;5,3\n", "x.csv:2:1: '1;5' is not a number");
}

TEST(CsvMatrix, RejectsNaNAndInfinity) {
  EXPECT_MESSAGE("1,2\n3,nan\n", "x.csv:2:3: NaN is not allowed");
  EXPECT_MESSAGE("1,2\n3,NaN\n", "x.csv:2:3: NaN is not allowed");
  EXPECT_MESSAGE("nan,1\n", "x.csv:1:1: NaN is not allowed");  // not taken for a header
  EXPECT_MESSAGE("1,2\n-inf,3\n", "x.csv:2:1: '-inf' is infinite");
  EXPECT_MESSAGE("1,2\n4,Infinity\n", "x.csv:2:3: 'Infinity' is infinite");
  EXPECT_MESSAGE("1,2\n1e400,3\n", "x.csv:2:1: '1e400' is out of the range of a double");
}

TEST(CsvMatrix, RejectsEmptyFieldsAndGarbage) {
  EXPECT_MESSAGE("1,2\n3,\n", "x.csv:2:3: empty field");
  EXPECT_MESSAGE("1,,2\n", "x.csv:1:3: empty field");
  EXPECT_MESSAGE("1,2\n3,  4x\n", "x.csv:2:5: '4x' is not a number");
  EXPECT_MESSAGE("1,2\n0x10,3\n", "x.csv:2:1: '0x10' is not a number");
  EXPECT_MESSAGE("1,2\n+-1,3\n", "x.csv:2:1: '+-1' is not a number");
  EXPECT_MESSAGE("1,2\n\"3\",4\n", "x.csv:2:1: '\"3\"' is not a number");
}

TEST(CsvMatrix, RejectsRaggedRows) {
  EXPECT_MESSAGE("1,2\n3,4,5\n", "x.csv:2: 3 fields, but the first row has 2");
  EXPECT_MESSAGE("h\n1,2\n3\n", "x.csv:1: the header has 1 fields but the rows have 2");
  EXPECT_MESSAGE("1,2\n3\n", "x.csv:2: 1 fields, but the first row has 2");
}

TEST(CsvMatrix, RejectsEmptyFilesAndBlankLinesInside) {
  EXPECT_MESSAGE("", "x.csv: empty CSV file");
  EXPECT_MESSAGE("\n \n", "x.csv: empty CSV file");
  EXPECT_MESSAGE("a,b\n", "x.csv: a header line but no data rows");
  EXPECT_MESSAGE("1,2\n\n3,4\n", "x.csv:2: blank line between data rows");
}

TEST(CsvMatrix, ReadsFilesPlainOrGzipped) {
  TempDir tmp("qmf-csv");
  const std::string text = "a,b\n1,2\n";
  write_file_bytes(tmp.path() / "t.csv.gz", std::vector<uint8_t>(text.begin(), text.end()));
  EXPECT_EQ(read_csv_matrix(tmp.path() / "t.csv.gz").at(0, 1), 2);
  write_file_bytes(tmp.path() / "bad.csv", {'1', ',', '2', '\n', '3', ',', 'x', '\n'});
  const std::string msg =
      qmf::testing::error_message([&] { read_csv_matrix(tmp.path() / "bad.csv"); });
  EXPECT_NE(msg.find((tmp.path() / "bad.csv").string() + ":2:3:"), std::string::npos) << msg;
}

}  // namespace
}  // namespace qmf::data
