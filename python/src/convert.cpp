// NumPy arrays and Python objects to the engine's types and back, validated at the border: the
// engine's own checks then only catch our mistakes, never the user's.
#include <cmath>

#include <fmt/format.h>

#include "binding.h"
#include "core/error.h"

namespace qmf::python {
namespace {

std::string expected_shape(long rows, long cols) {
  return fmt::format("({}, {})", rows < 0 ? "N" : std::to_string(rows),
                     cols < 0 ? "D" : std::to_string(cols));
}

// The array as float64 in row-major order, after the checks every input shares.
py::array_t<double, py::array::c_style> checked(const py::handle& object, std::string_view name,
                                                long rows, long cols) {
  if (!py::isinstance<py::array>(object))
    throw UsageError(fmt::format("{}: expected a NumPy array of shape {}, got {}", name,
                                 expected_shape(rows, cols),
                                 object.get_type().attr("__name__").cast<std::string>()));
  const auto array = py::reinterpret_borrow<py::array>(object);
  const py::dtype dtype = array.dtype();
  if (dtype.kind() != 'f' || (dtype.itemsize() != 4 && dtype.itemsize() != 8))
    throw UsageError(fmt::format("{}: dtype {} is not float32 or float64", name,
                                 dtype.attr("name").cast<std::string>()));
  if (array.ndim() != 2)
    throw UsageError(fmt::format("{}: {} dimension(s), expected a matrix of shape {}", name,
                                 array.ndim(), expected_shape(rows, cols)));
  const long r = static_cast<long>(array.shape(0)), c = static_cast<long>(array.shape(1));
  if ((rows >= 0 && r != rows) || (cols >= 0 && c != cols) || r == 0 || c == 0)
    throw UsageError(fmt::format("{}: shape ({}, {}), expected {}{}", name, r, c,
                                 expected_shape(rows < 0 ? -1 : rows, cols),
                                 r == 0 ? " with at least one row" : ""));
  auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
  const double* p = values.data();
  for (long i = 0; i < r * c; ++i)
    if (!std::isfinite(p[i]))
      throw UsageError(fmt::format("{}: row {}, column {} is {} (every value must be finite)", name,
                                   i / c, i % c, p[i]));
  return values;
}

}  // namespace

nn::Matrix to_matrix(const py::handle& array, std::string_view name, long rows, long cols) {
  const auto values = checked(array, name, rows, cols);
  return nn::ConstMatrixMap(values.data(), values.shape(0), values.shape(1));
}

std::vector<nn::Matrix> to_matrices(const py::handle& list, std::string_view name,
                                    const std::vector<long>& widths, std::string_view each) {
  if (!py::isinstance<py::list>(list) && !py::isinstance<py::tuple>(list))
    throw UsageError(
        fmt::format("{}: expected a list of {} arrays (one per {})", name, widths.size(), each));
  const auto items = py::reinterpret_borrow<py::sequence>(list);
  if (items.size() != widths.size())
    throw UsageError(fmt::format("{}: {} arrays given, expected {} (one per {})", name,
                                 items.size(), widths.size(), each));
  std::vector<nn::Matrix> out;
  for (size_t m = 0; m < widths.size(); ++m)
    out.push_back(to_matrix(items[m], fmt::format("{}[{}]", name, m),
                            out.empty() ? -1 : static_cast<long>(out[0].rows()), widths[m]));
  return out;
}

std::string path_text(const py::handle& object) {
  return py::str(py::module_::import("os").attr("fspath")(object)).cast<std::string>();
}

std::filesystem::path optional_path(const py::handle& object) {
  return object.is_none() ? std::filesystem::path() : std::filesystem::path(path_text(object));
}

py::array_t<double> to_numpy(const nn::Matrix& m) {
  py::array_t<double> out({m.rows(), m.cols()});
  nn::MatrixMap(out.mutable_data(), m.rows(), m.cols()) = m;
  return out;
}

py::array_t<int64_t> to_numpy(const std::vector<int>& v) {
  py::array_t<int64_t> out(static_cast<py::ssize_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) out.mutable_data()[i] = v[i];
  return out;
}

py::object to_python(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}

nlohmann::json to_json(const py::handle& object, std::string_view name) {
  try {
    const auto text = py::module_::import("json")
                          .attr("dumps")(object, py::arg("allow_nan") = false)
                          .cast<std::string>();
    return nlohmann::json::parse(text);
  } catch (const py::error_already_set& e) {
    throw UsageError(fmt::format("{}: not representable as a config ({})", name, e.what()));
  }
}

std::vector<std::string> to_sets(const py::handle& sets, std::string_view name) {
  if (sets.is_none()) return {};
  if (py::isinstance<py::str>(sets))
    throw UsageError(
        fmt::format("{}: expected a list of \"key=value\" strings, got one string", name));
  std::vector<std::string> out;
  try {
    for (const py::handle item : sets) out.push_back(item.cast<std::string>());
  } catch (const py::cast_error&) {
    throw UsageError(fmt::format("{}: expected a list of \"key=value\" strings", name));
  } catch (const py::error_already_set&) {
    throw UsageError(fmt::format("{}: expected a list of \"key=value\" strings", name));
  }
  return out;
}

}  // namespace qmf::python
