// qmf.Circuit: the QMFNN's circuit as a differentiable function (model/circuit_function.h), and
// the tape each forward returns for its vector-Jacobian product.
#include <pybind11/stl.h>

#include <cctype>

#include <fmt/format.h>

#include "binding.h"
#include "core/error.h"
#include "core/options.h"
#include "model/circuit_function.h"
#include "sim/gates.h"

namespace qmf::python {
namespace {

template <typename E>
E choice(const std::string& text, std::string_view name) {
  if (const auto value = parse_choice<E>(text)) return *value;
  std::string known;
  for (const auto& s : spellings(E{})) known += (known.empty() ? "" : ", ") + std::string(s.name);
  throw UsageError(fmt::format("{}: {} is not one of {}", name, quote_value(text), known));
}

// "RY", "CRX", "CNOT", ...: the gate's OpenQASM name in capitals, cx spelled CNOT.
std::string gate_kind_name(const sim::GateInfo& info) {
  if (info.name == "cx") return "CNOT";
  std::string name(info.name);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

class Circuit {
 public:
  Circuit(std::vector<int> k, int classes, const std::string& encoding, const std::string& readout,
          int fusion_layers, bool entangle, bool qcnn, bool qcnn_share,
          const std::string& conv_block, const std::string& precision, int threads)
      : fn_(spec(std::move(k), classes, encoding, readout, fusion_layers, entangle, qcnn,
                 qcnn_share, conv_block, precision, threads)) {}

  const model::CircuitFunction& function() const { return fn_; }

  py::tuple forward(const py::object& inputs, const py::handle& theta_array) const;
  py::tuple forward_features(const py::object& features, const py::handle& theta_array) const;
  py::list gates() const;

 private:
  nn::Matrix theta_of(const py::handle& theta_array) const;
  static model::CircuitFunctionSpec spec(std::vector<int> k, int classes,
                                         const std::string& encoding, const std::string& readout,
                                         int fusion_layers, bool entangle, bool qcnn,
                                         bool qcnn_share, const std::string& conv_block,
                                         const std::string& precision, int threads) {
    if (k.empty()) throw UsageError("k: at least one register is needed");
    for (size_t m = 0; m < k.size(); ++m)
      if (k[m] < 1 || k[m] > 20)
        throw UsageError(fmt::format("k[{}]: {} qubits, expected 1..20", m, k[m]));
    if (classes < 2 || classes > 1 << 20)
      throw UsageError(fmt::format("classes: {}, expected at least 2", classes));
    if (fusion_layers < 0 || fusion_layers > 64)
      throw UsageError(fmt::format("fusion_layers: {}, expected 0..64", fusion_layers));
    if (threads < 0)
      throw UsageError(fmt::format("threads: {}, expected 0 (all cores) or more", threads));
    model::QmfnnSettings s;
    s.k = std::move(k);
    s.encoding = choice<Encoding>(encoding, "encoding");
    s.readout = choice<Readout>(readout, "readout");
    s.fusion_layers = fusion_layers;
    s.entangle = entangle;
    s.qcnn = qcnn;
    s.qcnn_share = qcnn_share;
    s.conv_block = choice<ConvBlock>(conv_block, "conv_block");
    return {.settings = s,
            .classes = classes,
            .precision = choice<Precision>(precision, "precision"),
            .threads = threads};
  }

  model::CircuitFunction fn_;
};

class Tape {
 public:
  // `features`: the tape of forward_features, whose vjp gives dL/d(features).
  Tape(std::unique_ptr<model::CircuitTape> tape, const model::CircuitFunction& fn, size_t batch,
       bool features)
      : tape_(std::move(tape)),
        spec_(fn.spec()),
        outputs_(fn.outputs()),
        batch_(batch),
        features_(features) {}

  py::tuple vjp(const py::handle& grad) {
    if (!tape_) throw UsageError("vjp: this tape was already differentiated (once per forward)");
    const nn::Matrix g = to_matrix(grad, "grad", static_cast<long>(batch_), outputs_);
    const grad::Gradients* out = nullptr;
    {
      py::gil_scoped_release release;
      out = &tape_->vjp(g);
    }
    py::array_t<double> dtheta(static_cast<py::ssize_t>(out->theta.size()));
    std::copy(out->theta.begin(), out->theta.end(), dtheta.mutable_data());
    py::object dinputs = input_gradients(*out);
    tape_.reset();
    return py::make_tuple(dtheta, dinputs);
  }

 private:
  py::object input_gradients(const grad::Gradients& g) const {
    const std::vector<int>& k = spec_.settings.k;
    if (features_) {
      py::list out;
      for (const nn::Matrix& d : tape_->feature_gradients()) out.append(to_numpy(d));
      return out;
    }
    if (spec_.settings.encoding == Encoding::angle) {
      const long n = static_cast<long>(g.sample.size() / batch_);
      return to_numpy(nn::ConstMatrixMap(g.sample.data(), static_cast<long>(batch_), n));
    }
    py::list out;
    for (size_t m = 0; m < k.size(); ++m) {
      const long dim = 1L << k[m];
      py::array_t<double> d({static_cast<long>(batch_), dim});
      for (size_t i = 0; i < g.registers[m].size(); ++i)
        d.mutable_data()[i] = g.registers[m][i].real();
      out.append(d);
    }
    return out;
  }

  std::unique_ptr<model::CircuitTape> tape_;
  model::CircuitFunctionSpec spec_;
  long outputs_;
  size_t batch_;
  bool features_;
};

nn::Matrix Circuit::theta_of(const py::handle& theta_array) const {
  const long params = static_cast<long>(fn_.params());
  if (!py::isinstance<py::array>(theta_array) ||
      py::reinterpret_borrow<py::array>(theta_array).ndim() != 1)
    throw UsageError(fmt::format("theta: expected a 1-D NumPy array of {} angles", params));
  return to_matrix(py::reinterpret_borrow<py::array>(theta_array).attr("reshape")(1, -1), "theta",
                   1, params);
}

py::tuple Circuit::forward(const py::object& inputs, const py::handle& theta_array) const {
  const model::CircuitFunctionSpec& s = fn_.spec();
  const nn::Matrix theta = theta_of(theta_array);
  model::RegisterStates registers;
  std::vector<double> angles;
  size_t batch = 0;
  const long n = static_cast<long>(fn_.circuit().circuit.qubits());
  if (s.settings.encoding == Encoding::angle) {
    const nn::Matrix a = to_matrix(inputs, "inputs", -1, n);
    batch = static_cast<size_t>(a.rows());
    angles.assign(a.data(), a.data() + a.size());
  } else {
    std::vector<long> widths;
    for (const int k : s.settings.k) widths.push_back(1L << k);
    for (const nn::Matrix& x : to_matrices(inputs, "inputs", widths, "register")) {
      batch = static_cast<size_t>(x.rows());
      registers.emplace_back(x.data(), x.data() + x.size());
    }
  }
  nn::Matrix values;
  std::unique_ptr<model::CircuitTape> tape;
  {
    py::gil_scoped_release release;
    tape = fn_.forward(std::move(registers), std::move(angles),
                       {theta.data(), static_cast<size_t>(theta.size())}, values);
  }
  return py::make_tuple(to_numpy(values), Tape(std::move(tape), fn_, batch, false));
}

py::tuple Circuit::forward_features(const py::object& features,
                                    const py::handle& theta_array) const {
  const nn::Matrix theta = theta_of(theta_array);
  std::vector<long> widths;
  for (size_t m = 0; m < fn_.spec().settings.k.size(); ++m) widths.push_back(fn_.feature_width(m));
  std::vector<nn::Matrix> h = to_matrices(features, "features", widths, "modality");
  const size_t batch = static_cast<size_t>(h[0].rows());
  nn::Matrix values;
  std::unique_ptr<model::CircuitTape> tape;
  {
    py::gil_scoped_release release;
    tape = fn_.forward_features(std::move(h), {theta.data(), static_cast<size_t>(theta.size())},
                                values);
  }
  return py::make_tuple(to_numpy(values), Tape(std::move(tape), fn_, batch, true));
}

py::list Circuit::gates() const {
  py::list out;
  for (const sim::Gate& g : fn_.circuit().circuit.gates()) {
    py::dict d;
    const sim::GateInfo& info = sim::info(g.kind);
    d["kind"] = gate_kind_name(info);
    py::list qubits, angles;
    for (int i = 0; i < info.qubits; ++i) qubits.append(g.qubits[i]);
    for (int i = 0; i < info.params; ++i) {
      py::dict a;
      const sim::Angle& angle = g.angles[i];
      a[angle.source == sim::Angle::Source::Shared ? "shared" : "sample"] = angle.index;
      angles.append(a);
    }
    d["qubits"] = qubits;
    d["angles"] = angles;
    out.append(d);
  }
  return out;
}

}  // namespace

void bind_circuit(py::module_& m) {
  py::class_<Tape>(m, "Tape", "The state of one Circuit.forward, for one vjp.")
      .def("vjp", &Tape::vjp, py::arg("grad"),
           "(dtheta, dinputs) from dL/dvalues (B x outputs): dtheta summed over the batch, "
           "dinputs shaped as the forward's inputs (or features). Once per tape.");
  py::class_<Circuit>(m, "Circuit",
                      "The QMFNN's fusion block + QCNN + readout as a differentiable function "
                      "(forward, then tape.vjp: the engine's batched adjoint).")
      .def(py::init<std::vector<int>, int, const std::string&, const std::string&, int, bool, bool,
                    bool, const std::string&, const std::string&, int>(),
           py::arg("k") = std::vector<int>{4, 4}, py::arg("classes") = 10,
           py::arg("encoding") = "amplitude", py::arg("readout") = "expval",
           py::arg("fusion_layers") = 2, py::arg("entangle") = true, py::arg("qcnn") = true,
           py::arg("qcnn_share") = true, py::arg("conv_block") = "conv6",
           py::arg("precision") = "double", py::arg("threads") = 0)
      .def("forward", &Circuit::forward, py::arg("inputs"), py::arg("theta"),
           "(values, tape): values (B x C) class probabilities (probs) or (B x r) <Z> of the "
           "readout qubits (expval). inputs: a list of (B, 2**k[m]) register amplitudes, or for "
           "the angle encoding one (B, n) array of RY angles.")
      .def("forward_features", &Circuit::forward_features, py::arg("features"), py::arg("theta"),
           "(values, tape) from the modalities' features, one (B, 2**k[m]) array each (or "
           "(B, k[m]) RY angles for the angle encoding), encoded as the QMFNN encodes them "
           "(amplitude h/sqrt(|h|^2 + 1e-12), belief sqrt(softmax(h))); the tape's vjp gives "
           "dL/d(features).")
      .def("gates", &Circuit::gates, "The gates in order, with their qubits and angles.")
      .def_property_readonly(
          "qubits", [](const Circuit& c) { return c.function().circuit().circuit.qubits(); })
      .def_property_readonly("k", [](const Circuit& c) { return c.function().spec().settings.k; })
      .def_property_readonly("num_params", [](const Circuit& c) { return c.function().params(); })
      .def_property_readonly("readout_qubits",
                             [](const Circuit& c) { return c.function().circuit().readout; })
      .def_property_readonly("outputs", [](const Circuit& c) { return c.function().outputs(); })
      .def_property_readonly("classes",
                             [](const Circuit& c) { return c.function().spec().classes; })
      .def_property_readonly("encoding",
                             [](const Circuit& c) {
                               return std::string(name_of(c.function().spec().settings.encoding));
                             })
      .def_property_readonly("readout",
                             [](const Circuit& c) {
                               return std::string(name_of(c.function().spec().settings.readout));
                             })
      .def_property_readonly(
          "precision",
          [](const Circuit& c) { return std::string(name_of(c.function().spec().precision)); })
      .def_property_readonly("schedule",
                             [](const Circuit& c) { return c.function().circuit().schedule; });
}

}  // namespace qmf::python
