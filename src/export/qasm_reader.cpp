#include "export/qasm_reader.h"

#include <optional>

#include "core/error.h"
#include "export/qasm_cursor.h"
#include "export/qasm_dialect.h"
#include "export/qasm_expression.h"

namespace qmf::exporter {
namespace {

using sim::kMaxQubits;  // each bit needs its own measured qubit

bool is_keyword(std::string_view word) {
  for (std::string_view k :
       {"OPENQASM", "include", "qreg", "creg", "qubit", "bit", "measure", "pi"})
    if (word == k) return true;
  return false;
}

struct Register {
  std::string_view name;
  int size = 0;
};

class Reader {
 public:
  Reader(std::string_view text, const std::string& name) : c_(tokenize(text, name), name) {}

  NumericCircuit run() {
    version_line();
    while (!c_.at_end()) statement();
    return finish();
  }

 private:
  void version_line() {
    if (c_.peek().kind != Token::Kind::Identifier || c_.peek().text != "OPENQASM")
      c_.fail_expected("the header 'OPENQASM 2.0;' or 'OPENQASM 3.0;'");
    c_.take();
    const Token& t = c_.peek();
    if (t.is_number("2.0") || t.is_number("2"))
      version_ = QasmVersion::v2;
    else if (t.is_number("3.0") || t.is_number("3"))
      version_ = QasmVersion::v3;
    else
      c_.fail(t, fmt::format("unsupported OpenQASM version {} (expected 2.0 or 3.0)", describe(t)));
    c_.take();
    c_.expect(";", "after the OPENQASM version");
  }

  void statement() {
    const Token& t = c_.peek();
    if (t.kind != Token::Kind::Identifier) c_.fail_expected("a statement");
    const std::string_view word = t.text;
    const bool v2 = version_ == QasmVersion::v2;
    if (word == "include") return include();
    if (word == "qreg" || word == "creg")
      return v2 ? declaration_v2() : wrong_version(t, "qubit[n] q; / bit[n] c;");
    if (word == "qubit" || word == "bit")
      return v2 ? wrong_version(t, "qreg q[n]; / creg c[n];") : declaration_v3();
    if (word == "measure") return measure_arrow();
    if (!v2 && bits_ && word == bits_->name) return measure_assignment();
    gate();
  }

  [[noreturn]] void wrong_version(const Token& t, std::string_view instead) const {
    c_.fail(t, fmt::format("'{}' declarations are not {} (it uses {})", t.text,
                           version_name(version_), instead));
  }

  void include() {
    c_.take();
    const Token& file = c_.peek();
    if (file.kind != Token::Kind::String) c_.fail_expected("a quoted file name after include");
    if (file.text != include_file(version_))
      c_.fail(file, fmt::format("cannot include \"{}\": {} files include \"{}\"", file.text,
                                version_name(version_), include_file(version_)));
    c_.take();
    c_.expect(";", "after include");
    included_ = true;
  }

  // qreg q[n]; creg c[n];
  void declaration_v2() {
    const Token& keyword = c_.take();
    const std::string_view name = c_.identifier("a register name");
    c_.expect("[", "after the register name");
    const int size = register_size();
    c_.expect("]", "after the register size");
    c_.expect(";", "after the declaration");
    declare(keyword, keyword.text == "qreg", name, size);
  }

  // qubit[n] q; bit[n] c;
  void declaration_v3() {
    const Token& keyword = c_.take();
    c_.expect(
        "[", fmt::format("after '{}' (single-qubit declarations are not supported)", keyword.text));
    const int size = register_size();
    c_.expect("]", "after the register size");
    const std::string_view name = c_.identifier("a register name");
    c_.expect(";", "after the declaration");
    declare(keyword, keyword.text == "qubit", name, size);
  }

  int register_size() {
    const Token& t = c_.peek();
    const int size = c_.integer("a register size", kMaxQubits);
    if (size == 0) c_.fail(t, "a register needs at least one bit or qubit");
    return size;
  }

  void declare(const Token& at, bool quantum, std::string_view name, int size) {
    std::optional<Register>& reg = quantum ? qubits_ : bits_;
    const std::optional<Register>& other = quantum ? bits_ : qubits_;
    if (reg)
      c_.fail(at, fmt::format("a second {} register '{}': only one is supported",
                              quantum ? "qubit" : "bit", name));
    if (other && other->name == name)
      c_.fail(at, fmt::format("register name '{}' used twice", name));
    if (find_gate(name, version_) || is_keyword(name))
      c_.fail(at, fmt::format("'{}' cannot name a register: it is a gate or keyword", name));
    reg = Register{name, size};
    if (quantum)
      circuit_.emplace(NumericCircuit{sim::Circuit(size), {}, {}});
    else
      bit_source_.assign(static_cast<size_t>(size), -1);
  }

  // reg[index] for the declared register of that kind.
  int operand(bool quantum) {
    const Token& t = c_.peek();
    const std::optional<Register>& reg = quantum ? qubits_ : bits_;
    const char* kind = quantum ? "qubit" : "bit";
    const std::string_view name = c_.identifier(fmt::format("a {} like {}[0]", kind,
                                                            reg       ? reg->name
                                                            : quantum ? "q"
                                                                      : "c"));
    if (!reg) c_.fail(t, fmt::format("'{}' used before any {} register is declared", name, kind));
    if (name != reg->name)
      c_.fail(t, fmt::format("unknown {} register '{}' (declared: '{}')", kind, name, reg->name));
    if (!c_.peek().is("["))
      c_.fail_expected(
          fmt::format("'[' after '{}' (whole-register operands are not supported)", name));
    c_.take();
    const Token& index_token = c_.peek();
    const int index = c_.integer(fmt::format("a {} index", kind), 1 << 30);
    if (index >= reg->size)
      c_.fail(index_token, fmt::format("{} index {} out of range for {}[{}]", kind, index,
                                       reg->name, reg->size));
    c_.expect("]", fmt::format("after the {} index", kind));
    return index;
  }

  // measure q[j] -> c[i];
  void measure_arrow() {
    const Token& at = c_.take();
    const int q = operand(true);
    c_.expect("->", "after 'measure q[j]'");
    const int b = operand(false);
    c_.expect(";", "after the measurement");
    record_measurement(at, b, q);
  }

  // c[i] = measure q[j];
  void measure_assignment() {
    const Token& at = c_.peek();
    const int b = operand(false);
    c_.expect("=", "in 'c[i] = measure q[j]'");
    if (c_.peek().kind != Token::Kind::Identifier || c_.peek().text != "measure")
      c_.fail_expected("'measure' (the only assignment supported)");
    c_.take();
    const int q = operand(true);
    c_.expect(";", "after the measurement");
    record_measurement(at, b, q);
  }

  void record_measurement(const Token& at, int bit, int qubit) {
    if (bit_source_[bit] >= 0)
      c_.fail(at, fmt::format("{}[{}] is measured twice", bits_->name, bit));
    for (int q : bit_source_)
      if (q == qubit) c_.fail(at, fmt::format("{}[{}] is measured twice", qubits_->name, qubit));
    bit_source_[bit] = qubit;
    measuring_ = true;
  }

  void gate() {
    const Token& at = c_.take();
    const QasmGate* g = find_gate(at.text, version_);
    if (!g)
      c_.fail(at, fmt::format("unknown gate '{}' ({} subset: {})", at.text, version_name(version_),
                              gate_names(version_)));
    if (!included_)
      c_.fail(at,
              fmt::format("gate '{}' used before include \"{}\"", at.text, include_file(version_)));
    if (!qubits_)
      c_.fail(at, fmt::format("gate '{}' used before the qubit register is declared", at.text));
    if (measuring_)
      c_.fail(at,
              fmt::format("gate '{}' after a measurement: only final measurements are supported",
                          at.text));
    const std::vector<double> angles = gate_angles(at);
    if (static_cast<int>(angles.size()) != g->angles)
      c_.fail(at, fmt::format("gate '{}' takes {} angle{}, got {}", at.text, g->angles,
                              g->angles == 1 ? "" : "s", angles.size()));
    const std::array<int, 3> qubits = gate_qubits(at, sim::info(g->kind).qubits);
    std::array<double, 3> values{};
    values[0] = g->fixed_angle ? g->angle : angles.empty() ? 0.0 : angles[0];
    add_numeric(*circuit_, g->kind, qubits, values);
  }

  // "(a, b, ...)" if present.
  std::vector<double> gate_angles(const Token& at) {
    std::vector<double> angles;
    if (!c_.accept("(")) return angles;
    if (c_.accept(")")) return angles;
    do {
      if (angles.size() == 3) c_.fail(at, fmt::format("gate '{}' has too many angles", at.text));
      angles.push_back(parse_angle(c_));
    } while (c_.accept(","));
    c_.expect(")", "after the angles");
    return angles;
  }

  std::array<int, 3> gate_qubits(const Token& at, int arity) {
    std::array<int, 3> q{};
    int count = 0;
    do {
      if (count == arity)
        c_.fail(at, fmt::format("gate '{}' takes {} qubit{}, got more", at.text, arity,
                                arity == 1 ? "" : "s"));
      q[count++] = operand(true);
    } while (c_.accept(","));
    if (count != arity)
      c_.fail(at, fmt::format("gate '{}' takes {} qubits, got {}", at.text, arity, count));
    c_.expect(";", fmt::format("after gate '{}'", at.text));
    for (int j = 0; j < count; ++j)
      for (int i = 0; i < j; ++i)
        if (q[i] == q[j])
          c_.fail(at, fmt::format("gate '{}' uses {}[{}] twice", at.text, qubits_->name, q[j]));
    return q;
  }

  NumericCircuit finish() {
    const Token& end = c_.peek();
    if (!qubits_) c_.fail(end, "no qubit register declared");
    for (size_t b = 0; b < bit_source_.size(); ++b)
      if (bit_source_[b] < 0) c_.fail(end, fmt::format("{}[{}] is never measured", bits_->name, b));
    circuit_->measured = bit_source_;
    return std::move(*circuit_);
  }

  TokenCursor c_;
  QasmVersion version_ = QasmVersion::v3;
  bool included_ = false, measuring_ = false;
  std::optional<Register> qubits_, bits_;
  std::optional<NumericCircuit> circuit_;
  std::vector<int> bit_source_;  // bit i <- qubit bit_source_[i]; -1 until measured
};

}  // namespace

NumericCircuit read_qasm(std::string_view text, const std::string& name) {
  return Reader(text, name).run();
}

}  // namespace qmf::exporter
