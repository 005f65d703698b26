#pragma once
// Writes NumPy .npy files for the reader tests, byte for byte as numpy.save lays them out: magic,
// version, little-endian header length, the header dict padded with spaces to a multiple of 64
// bytes and ended by '\n', then the raw values.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "support/file_write.h"

namespace qmf::testing {

// The little-endian bytes of `values` (each value's bytes, lowest first, whatever the host).
template <class T>
std::vector<uint8_t> little_endian_bytes(const std::vector<T>& values) {
  std::vector<uint8_t> out;
  for (const T& v : values) {
    auto bytes = std::bit_cast<std::array<uint8_t, sizeof(T)>>(v);
    if constexpr (std::endian::native == std::endian::big) std::reverse(bytes.begin(), bytes.end());
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

// A .npy file with the given header dict text (e.g. "{'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), }") and data bytes, in format version `major`.0.
inline std::vector<uint8_t> npy_file(const std::string& dict, const std::vector<uint8_t>& data,
                                     int major = 1) {
  const size_t length_size = major == 1 ? 2 : 4;
  std::string header = dict;
  while ((8 + length_size + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  for (size_t i = 0; i < length_size; ++i)
    out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// The header dict numpy writes for descr and a shape text such as "(3,)" or "(2, 3)".
inline std::string npy_dict(const std::string& descr, const std::string& shape,
                            bool fortran_order = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

// A C-ordered array of `values` with the given descr and shape text.
template <class T>
std::vector<uint8_t> npy_array(const std::string& descr, const std::string& shape,
                               const std::vector<T>& values, int major = 1) {
  return npy_file(npy_dict(descr, shape), little_endian_bytes(values), major);
}

// A 2-D float64 array (rows x cols, row-major values), the commonest user file.
inline std::vector<uint8_t> npy_f8(size_t rows, size_t cols, const std::vector<double>& values) {
  return npy_array("<f8", "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")", values);
}

}  // namespace qmf::testing
