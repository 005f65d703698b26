#pragma once
// The pieces of the qmf._qmf extension, one file each, and the conversions they share.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nn/tensor.h"

namespace qmf::python {

namespace py = pybind11;

void bind_errors(py::module_& m);   // qmf's exceptions as ValueError / RuntimeError
void bind_circuit(py::module_& m);  // Circuit and its tapes
void bind_jobs(py::module_& m);     // train, resume, compare, load_view
void bind_run(py::module_& m);      // load_run and Run

// A 2-D float32 or float64 array of `cols` columns (any when cols < 0) and `rows` rows (any when
// rows < 0), finite, in any memory order, as float64 in row-major order. Anything else is a
// ValueError that names `name` and the expected shape.
nn::Matrix to_matrix(const py::handle& array, std::string_view name, long rows, long cols);
// A list or tuple of widths.size() such arrays, array m of widths[m] columns and the rows of the
// first, named name[m]; `each` says what one array is for ("register", "modality").
std::vector<nn::Matrix> to_matrices(const py::handle& list, std::string_view name,
                                    const std::vector<long>& widths, std::string_view each);
py::array_t<double> to_numpy(const nn::Matrix& m);
py::array_t<int64_t> to_numpy(const std::vector<int>& v);

// A str or os.PathLike as text; optional_path: None as the empty path.
std::string path_text(const py::handle& object);
std::filesystem::path optional_path(const py::handle& object);

// JSON <-> Python objects, through the json module (dicts, lists, str, numbers, bools, None).
py::object to_python(const nlohmann::json& j);
nlohmann::json to_json(const py::handle& object, std::string_view name);

// A list of "key=value" strings, or None; anything else is a ValueError naming `name`.
std::vector<std::string> to_sets(const py::handle& sets, std::string_view name);

}  // namespace qmf::python
