// qmf's exceptions in Python: a usage error (a bad key, value, shape or argument) is a
// ValueError, a runtime failure (a bad file, I/O, a numerical failure) a RuntimeError, each with
// the CLI's message; an interrupted run is a KeyboardInterrupt that says how to resume it.
#include <new>

#include "binding.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace qmf::python {

void bind_errors(py::module_& m) {
  (void)m;
  // pybind11's translator is a plain function pointer that takes the exception_ptr by value.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace qmf::python
