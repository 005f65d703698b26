#pragma once
// NumPy's .npy format (format versions 1.0, 2.0 and 3.0), as written by numpy.save: a magic
// string, a version, a header length and a Python dict literal with 'descr', 'fortran_order'
// and 'shape', then the raw values.
//
// Accepted: arrays of 1 to 4 dimensions, the first counting samples (2-D: samples x features;
// 3-D: samples x rows x cols images; 4-D: samples x channels x rows x cols), in C order of
// little-endian float32/float64, int8..int64, uint8..uint64 or bool. Rejected, each with a message
// naming the file: big-endian or other dtypes, Fortran order, ranks 0 and 5 or more, a malformed
// header, a data size that differs from what the header promises (checked before anything is
// allocated, so a hostile header cannot ask for a huge buffer), and NaN or infinite values (named
// by row and column).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "data/formats/numeric_array.h"

namespace qmf::data {

// Parses the bytes of a .npy file; `name` names it in error messages. Throws qmf::Error.
NumericArray parse_npy(std::span<const uint8_t> bytes, const std::string& name);

// Reads and parses a .npy file (plain or gzip-compressed). Throws qmf::Error naming the file.
NumericArray read_npy(const std::filesystem::path& file);

}  // namespace qmf::data
