#include "data/formats/npy.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/ranges.h>

#include "core/error.h"
#include "data/formats/file_bytes.h"

namespace qmf::data {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw Error(fmt::format("{}: {}", name, problem));
}

constexpr std::string_view kMagic = "\x93NUMPY";

// Where the header dict lies in the file.
struct Preamble {
  size_t header_begin = 0;
  size_t header_size = 0;
};

// Little-endian unsigned integer of `size` bytes at p (the .npy header length and all values).
uint64_t little_endian(const uint8_t* p, size_t size) {
  uint64_t v = 0;
  for (size_t i = size; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

Preamble read_preamble(std::span<const uint8_t> bytes, const std::string& name) {
  const std::string_view start(reinterpret_cast<const char*>(bytes.data()),
                               std::min(bytes.size(), kMagic.size()));
  if (start != kMagic) fail(name, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
  if (bytes.size() < kMagic.size() + 2) fail(name, "truncated .npy file: no format version");
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0) {
    fail(name, fmt::format(".npy format version {}.{} is not supported (only 1.0, 2.0, 3.0)", major,
                           minor));
  }
  // Version 1.0 stores the header length in 2 bytes, later versions in 4.
  const size_t length_size = major == 1 ? 2 : 4;
  const size_t header_begin = 8 + length_size;
  if (bytes.size() < header_begin) fail(name, "truncated .npy file: no header length");
  const size_t header_size = little_endian(bytes.data() + 8, length_size);
  if (header_size > bytes.size() - header_begin) {
    fail(name, fmt::format("truncated .npy file: the header claims {} bytes but only {} follow",
                           header_size, bytes.size() - header_begin));
  }
  return {header_begin, header_size};
}

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<uint64_t> shape;
};

// Reads the header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// Only what numpy.save writes is accepted: quoted keys, a quoted descr, True/False and a tuple
// of non-negative integers.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!take('}')) {
      const std::string key = quoted();
      expect(':');
      if (key == "descr" && !seen_descr) {
        h.descr = descr();
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_order) {
        h.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape" && !seen_shape) {
        h.shape = shape();
        seen_shape = true;
      } else {
        bad(fmt::format("unexpected or repeated key '{}'", key));
      }
      if (!take(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (pos_ != text_.size()) bad("text after the closing '}'");
    if (!seen_descr || !seen_order || !seen_shape)
      bad("it needs the keys 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& problem) const {
    fail(name_, fmt::format("malformed .npy header ({}): {}", problem, text_));
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t'))
      ++pos_;
  }
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) bad(fmt::format("expected '{}' at offset {}", c, pos_));
  }
  bool take_word(std::string_view word) {
    skip_space();
    if (text_.substr(pos_).starts_with(word)) {
      pos_ += word.size();
      return true;
    }
    return false;
  }

  std::string quoted() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      bad(fmt::format("expected a quoted string at offset {}", pos_));
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  std::string descr() {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '[')
      fail(name_,
           "structured arrays (a list 'descr') are not supported; save a plain numeric array");
    return quoted();
  }

  bool boolean() {
    if (take_word("True")) return true;
    if (take_word("False")) return false;
    bad("'fortran_order' must be True or False");
  }

  std::vector<uint64_t> shape() {
    expect('(');
    std::vector<uint64_t> dims;
    while (!take(')')) {
      skip_space();
      uint64_t d = 0;
      const char* first = text_.data() + pos_;
      const char* last = text_.data() + text_.size();
      const auto [end, ec] = std::from_chars(first, last, d);
      if (ec != std::errc() || end == first)
        bad("'shape' must be a tuple of non-negative integers");
      pos_ += static_cast<size_t>(end - first);
      dims.push_back(d);
      if (dims.size() > 8) bad("'shape' has too many dimensions");
      if (!take(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }

  std::string_view text_;
  const std::string& name_;
  size_t pos_ = 0;
};

enum class Kind { kFloat, kSigned, kUnsigned, kBool };

struct Dtype {
  Kind kind;
  size_t size;  // bytes per value
};

std::optional<Dtype> dtype_of(char code, size_t size) {
  switch (code) {
    case 'f':
      if (size == 4 || size == 8) return Dtype{Kind::kFloat, size};
      break;
    case 'i':
    case 'u':
      if (size == 1 || size == 2 || size == 4 || size == 8)
        return Dtype{code == 'i' ? Kind::kSigned : Kind::kUnsigned, size};
      break;
    case 'b':
      if (size == 1) return Dtype{Kind::kBool, 1};
      break;
    default:
      break;
  }
  return std::nullopt;
}

// descr is a byte order ('<' little, '>' big, '|' not applicable, '=' native), a type code and a
// size in bytes, e.g. '<f4', '|u1'.
Dtype parse_descr(const std::string& descr, const std::string& name) {
  const std::string unsupported = fmt::format(
      "dtype '{}' is not supported; use float32, float64, (u)int8..64 or bool, little-endian",
      descr);
  if (descr.size() < 3) fail(name, unsupported);
  size_t size = 0;
  const auto [end, ec] = std::from_chars(descr.data() + 2, descr.data() + descr.size(), size);
  if (ec != std::errc() || end != descr.data() + descr.size()) fail(name, unsupported);
  const std::optional<Dtype> dtype = dtype_of(descr[1], size);
  if (!dtype) fail(name, unsupported);
  const char order = descr[0];
  // A single byte has no byte order, so any mark will do; wider values must be little-endian.
  if (size > 1 && order == '>') {
    fail(name, fmt::format("dtype '{}' is big-endian; save it little-endian, e.g. "
                           "arr.astype(arr.dtype.newbyteorder('<'))",
                           descr));
  }
  if (size > 1 ? order != '<' : (order != '<' && order != '|' && order != '>')) {
    fail(name, unsupported);
  }
  return *dtype;
}

double decode(const Dtype& t, const uint8_t* p) {
  const uint64_t raw = little_endian(p, t.size);
  switch (t.kind) {
    case Kind::kFloat:
      return t.size == 4 ? static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(raw)))
                         : std::bit_cast<double>(raw);
    case Kind::kSigned: {
      // Sign-extend from the value's own width.
      const unsigned shift = static_cast<unsigned>(64 - 8 * t.size);
      return static_cast<double>(static_cast<int64_t>(raw << shift) >> shift);
    }
    case Kind::kUnsigned:
      return static_cast<double>(raw);
    case Kind::kBool:
      return raw != 0 ? 1.0 : 0.0;
  }
  return 0;
}

std::string position(const NumericArray& a, size_t index) {
  if (a.dims == 1) return fmt::format("index {}", index);
  return fmt::format("row {}, column {}", index / a.cols, index % a.cols);
}

// What each sample is: the rows x cols image of a 3-D array, the channels x rows x cols image
// of a 4-D one (channels first, as NumPy and PyTorch keep images), else a row of features.
ImageShape sample_shape(const std::vector<uint64_t>& shape) {
  const auto at = [&](size_t d) { return static_cast<size_t>(shape[d]); };
  switch (shape.size()) {
    case 3:
      return {at(1), at(2), 1};
    case 4:
      return {at(2), at(3), at(1)};
    default:
      return {1, shape.size() == 2 ? at(1) : 1, 1};
  }
}

// Rows and columns from the shape, and a check that the data that follows the header holds
// exactly that many values (by division, so huge shapes cannot overflow).
NumericArray shaped(const Header& h, size_t payload, size_t value_size, const std::string& name) {
  if (h.fortran_order) {
    fail(name, "Fortran-ordered arrays are not supported; save np.ascontiguousarray(arr)");
  }
  if (h.shape.empty() || h.shape.size() > 4) {
    fail(name, fmt::format("the array has {} dimensions; expected 1 (one feature per sample), 2 "
                           "(samples x features), 3 (samples x rows x cols) or 4 (samples x "
                           "channels x rows x cols)",
                           h.shape.size()));
  }
  NumericArray a;
  a.dims = h.shape.size();
  const uint64_t rows = h.shape[0];
  const uint64_t max_values = payload / value_size;
  // The values per sample, multiplied out dimension by dimension so a hostile shape is caught
  // before its product can overflow (it saturates instead).
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t cols = 1;
  for (size_t d = 1; d < h.shape.size(); ++d)
    cols = h.shape[d] != 0 && cols > kMax / h.shape[d] ? kMax : cols * h.shape[d];
  if (cols != 0 && rows > max_values / cols) {
    fail(name, fmt::format("truncated: the header promises {} values of {} bytes but only {} "
                           "bytes of data follow",
                           fmt::join(h.shape, " x "), value_size, payload));
  }
  if (cols == kMax)  // and no rows: an empty array of impossible samples
    fail(name, fmt::format("samples of {} values are more than a feature row can hold",
                           fmt::join(h.shape.begin() + 1, h.shape.end(), " x ")));
  const uint64_t count = rows * cols;
  if (count * value_size != payload) {
    fail(name, fmt::format("{} bytes of data follow the header, but {} x {} values of {} bytes "
                           "take {}",
                           payload, rows, cols, value_size, count * value_size));
  }
  a.rows = static_cast<size_t>(rows);
  a.cols = static_cast<size_t>(cols);
  a.sample_shape = sample_shape(h.shape);
  return a;
}

}  // namespace

NumericArray parse_npy(std::span<const uint8_t> bytes, const std::string& name) {
  const Preamble pre = read_preamble(bytes, name);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + pre.header_begin,
                              pre.header_size);
  const Header header = HeaderParser(text, name).parse();
  const Dtype dtype = parse_descr(header.descr, name);
  const size_t data_begin = pre.header_begin + pre.header_size;
  NumericArray a = shaped(header, bytes.size() - data_begin, dtype.size, name);
  const size_t count = a.rows * a.cols;
  a.values.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const double v = decode(dtype, bytes.data() + data_begin + i * dtype.size);
    if (!std::isfinite(v))
      fail(name, fmt::format("{} at {}", std::isnan(v) ? "NaN" : "infinity", position(a, i)));
    a.values[i] = v;
  }
  return a;
}

NumericArray read_npy(const std::filesystem::path& file) {
  return parse_npy(read_file_bytes(file), file.string());
}

}  // namespace qmf::data
