#pragma once
// A table of numbers in a CSV file: one row per line, fields separated by commas only (not ';'
// or tabs, so a European-locale export must be converted first), every row with the same number
// of fields. Numbers are read with std::from_chars, so the decimal point is always '.',
// whatever the locale. Spaces or tabs around a field and a leading '+' are allowed; '\r\n' line
// ends and a UTF-8 byte-order mark are accepted.
//
// Only the first line may be a header: it is one when any of its fields is not a number, and it
// is then skipped (so a header made only of numbers is read as data). Blank lines may end the
// file but not interrupt it. Empty fields, text, NaN, infinity and numbers out of the double
// range are errors naming file:line:column (1-based, the column of the field's first character).
#include <filesystem>
#include <string>
#include <string_view>

#include "data/formats/numeric_array.h"

namespace qmf::data {

// Parses CSV text; `name` names it in error messages. Throws qmf::Error.
NumericArray parse_csv_matrix(std::string_view text, const std::string& name);

// Reads and parses a CSV file (plain or gzip-compressed). Throws qmf::Error naming the file.
NumericArray read_csv_matrix(const std::filesystem::path& file);

}  // namespace qmf::data
