#include "data/formats/csv_matrix.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "core/error.h"
#include "data/formats/file_bytes.h"

namespace qmf::data {
namespace {

// One field of a line: its text (surrounding blanks removed) and where it starts (1-based).
struct Field {
  std::string_view text;
  size_t column = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank_line(std::string_view line) { return trim(line).empty(); }

std::vector<Field> split_fields(std::string_view line) {
  std::vector<Field> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const std::string_view raw = line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t lead = 0;
    while (lead < raw.size() && is_blank(raw[lead])) ++lead;
    fields.push_back({trim(raw), start + lead + 1});
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

enum class Problem { kNone, kEmpty, kNotANumber, kNaN, kInfinite, kOutOfRange };

// The number in `text`, or why there is none. from_chars also reads "nan" and "inf", which are
// reported as such rather than as garbage.
Problem parse_number(std::string_view text, double& value) {
  if (text.empty()) return Problem::kEmpty;
  if (text.front() == '+' && text.size() > 1 && text[1] != '-') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range && stop == end) return Problem::kOutOfRange;
  if (ec != std::errc() || stop != end) return Problem::kNotANumber;
  if (std::isnan(value)) return Problem::kNaN;
  if (std::isinf(value)) return Problem::kInfinite;
  return Problem::kNone;
}

std::string describe(Problem p, std::string_view text) {
  switch (p) {
    case Problem::kEmpty:
      return "empty field";
    case Problem::kNaN:
      return "NaN is not allowed";
    case Problem::kInfinite:
      return fmt::format("'{}' is infinite", text);
    case Problem::kOutOfRange:
      return fmt::format("'{}' is out of the range of a double", text);
    case Problem::kNotANumber:
    case Problem::kNone:
      break;
  }
  return fmt::format("'{}' is not a number", text);
}

bool all_numbers(const std::vector<Field>& fields) {
  double ignored = 0;
  for (const Field& f : fields) {
    const Problem p = parse_number(f.text, ignored);
    if (p == Problem::kNotANumber && !f.text.empty()) return false;
  }
  return true;
}

// The text's lines without their '\n' or '\r\n' ends.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

}  // namespace

NumericArray parse_csv_matrix(std::string_view text, const std::string& name) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  std::vector<std::string_view> lines = split_lines(text);
  while (!lines.empty() && is_blank_line(lines.back())) lines.pop_back();
  if (lines.empty()) throw Error(fmt::format("{}: empty CSV file", name));

  size_t first = 0;
  std::optional<size_t> header_fields;
  if (const std::vector<Field> fields = split_fields(lines[0]); !all_numbers(fields)) {
    header_fields = fields.size();
    first = 1;
  }
  if (first == lines.size()) throw Error(fmt::format("{}: a header line but no data rows", name));

  NumericArray a;
  a.cols = split_fields(lines[first]).size();
  a.sample_shape = {1, a.cols, 1};
  if (header_fields && *header_fields != a.cols) {
    throw Error(fmt::format("{}:1: the header has {} fields but the rows have {}", name,
                            *header_fields, a.cols));
  }
  a.rows = lines.size() - first;
  a.values.reserve(a.rows * a.cols);
  for (size_t l = first; l < lines.size(); ++l) {
    const size_t line_number = l + 1;
    if (is_blank_line(lines[l]))
      throw Error(fmt::format("{}:{}: blank line between data rows", name, line_number));
    const std::vector<Field> fields = split_fields(lines[l]);
    if (fields.size() != a.cols) {
      throw Error(fmt::format("{}:{}: {} fields, but the first row has {}", name, line_number,
                              fields.size(), a.cols));
    }
    for (const Field& f : fields) {
      double value = 0;
      const Problem p = parse_number(f.text, value);
      if (p != Problem::kNone) {
        throw Error(fmt::format("{}:{}:{}: {}", name, line_number, f.column, describe(p, f.text)));
      }
      a.values.push_back(value);
    }
  }
  return a;
}

NumericArray read_csv_matrix(const std::filesystem::path& file) {
  const std::vector<uint8_t> bytes = read_file_bytes(file);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return parse_csv_matrix(text, file.string());
}

}  // namespace qmf::data
