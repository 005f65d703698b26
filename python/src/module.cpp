// The extension module qmf._qmf; python/qmf/__init__.py re-exports it as `qmf`.
#include <pybind11/pybind11.h>

#include "binding.h"

PYBIND11_MODULE(_qmf, m) {
  m.doc() = "QMF: quantum multimodal fusion networks (the C++ engine)";
  qmf::python::bind_errors(m);
  qmf::python::bind_circuit(m);
  qmf::python::bind_jobs(m);
  qmf::python::bind_run(m);
}
