#include "model/qmf_circuit.h"

#include <numeric>

#include "core/error.h"

namespace qmf::model {
namespace {

using sim::Angle;
using sim::GateKind;

class Builder {
 public:
  explicit Builder(int n) : c_(n) {}
  sim::Circuit& circuit() { return c_; }
  uint32_t params() const { return next_; }
  uint32_t fresh(uint32_t count) {
    const uint32_t first = next_;
    next_ += count;
    return first;
  }
  void rot(GateKind kind, int q, uint32_t p) { c_.add(kind, q, Angle::shared(p)); }
  void ctrl(GateKind kind, int control, int target, uint32_t p) {
    c_.add(kind, control, target, Angle::shared(p));
  }
  void u3(int q, uint32_t p) {
    c_.add(GateKind::U3, {q, 0, 0}, {Angle::shared(p), Angle::shared(p + 1), Angle::shared(p + 2)});
  }

  void conv6(int a, int b, uint32_t t) {
    rot(GateKind::RY, a, t), rot(GateKind::RY, b, t + 1);
    c_.add(GateKind::CNOT, a, b);
    rot(GateKind::RY, a, t + 2), rot(GateKind::RY, b, t + 3);
    c_.add(GateKind::CNOT, b, a);
    rot(GateKind::RY, a, t + 4), rot(GateKind::RY, b, t + 5);
  }
  void su4(int a, int b, uint32_t t) {
    u3(a, t), u3(b, t + 3);
    c_.add(GateKind::CNOT, b, a);
    rot(GateKind::RZ, a, t + 6), rot(GateKind::RY, b, t + 7);
    c_.add(GateKind::CNOT, a, b);
    rot(GateKind::RY, b, t + 8);
    c_.add(GateKind::CNOT, b, a);
    u3(a, t + 9), u3(b, t + 12);
  }
  void pool2(int src, int snk, uint32_t p) {
    ctrl(GateKind::CRZ, src, snk, p);
    c_.add(GateKind::X, src);
    ctrl(GateKind::CRX, src, snk, p + 1);
    c_.add(GateKind::X, src);
  }

 private:
  sim::Circuit c_;
  uint32_t next_ = 0;
};

void fusion_layer(Builder& b, const std::vector<int>& k, const std::vector<int>& start,
                  bool entangle) {
  const int n = b.circuit().qubits();
  for (int q = 0; q < n; ++q) {
    const uint32_t p = b.fresh(2);
    b.rot(GateKind::RY, q, p);
    b.rot(GateKind::RZ, q, p + 1);
  }
  const size_t regs = k.size();
  if (!entangle || regs < 2) return;
  for (size_t m = 0; m < regs; ++m) {
    const size_t next = (m + 1) % regs;
    for (int j = 0; j < std::min(k[m], k[next]); ++j)
      b.ctrl(GateKind::CRX, start[m] + j, start[next] + j, b.fresh(1));
  }
}

// Neighbouring pairs of the active list in brickwork order, then the wrap-around pair.
std::vector<std::pair<int, int>> conv_pairs(const std::vector<int>& active) {
  std::vector<std::pair<int, int>> pairs;
  const size_t a = active.size();
  for (size_t off : {size_t{0}, size_t{1}})
    for (size_t i = off; i + 1 < a; i += 2) pairs.emplace_back(active[i], active[i + 1]);
  if (a > 2) pairs.emplace_back(active[a - 1], active[0]);
  return pairs;
}

void conv_layer(Builder& b, const std::vector<int>& active, const QmfnnSettings& settings) {
  const uint32_t size = settings.conv_block == ConvBlock::conv6 ? 6 : 15;
  const auto pairs = conv_pairs(active);
  if (pairs.empty()) return;
  uint32_t shared = settings.qcnn_share ? b.fresh(size) : 0;
  for (const auto& [x, y] : pairs) {
    const uint32_t t = settings.qcnn_share ? shared : b.fresh(size);
    settings.conv_block == ConvBlock::conv6 ? b.conv6(x, y, t) : b.su4(x, y, t);
  }
}

std::vector<int> pool_layer(Builder& b, const std::vector<int>& active, bool share) {
  const uint32_t shared = share ? b.fresh(2) : 0;
  std::vector<int> kept;
  for (size_t i = 0; i < active.size(); ++i) {
    if (i % 2 == 0) {
      kept.push_back(active[i]);
      continue;
    }
    b.pool2(active[i], active[i - 1], share ? shared : b.fresh(2));
  }
  return kept;
}

}  // namespace

int readout_qubits(int classes) {
  int r = 0;
  while ((1 << r) < classes) ++r;
  return std::max(r, 1);
}

std::vector<int> register_starts(const std::vector<int>& k) {
  std::vector<int> starts;
  for (int s = 0; int km : k) starts.push_back(s), s += km;
  return starts;
}

QmfCircuit build_qmf_circuit(const QmfnnSettings& settings, int classes) {
  const int n = std::accumulate(settings.k.begin(), settings.k.end(), 0);
  const int r = readout_qubits(classes);
  if (settings.k.empty()) throw UsageError("model.k: at least one register is needed");
  if (n < r)
    throw UsageError(
        fmt::format("model.k: {} qubits in all cannot hold {} classes (need {})", n, classes, r));
  Builder b(n);
  const std::vector<int> start = register_starts(settings.k);
  if (settings.encoding == Encoding::angle)
    for (int q = 0; q < n; ++q) b.circuit().add(GateKind::RY, q, Angle::sample(q));
  const size_t encoding_gates = b.circuit().gates().size();
  for (int l = 0; l < settings.fusion_layers; ++l)
    fusion_layer(b, settings.k, start, settings.entangle);
  const uint32_t fusion = b.params();
  const size_t fusion_end = b.circuit().gates().size();

  std::vector<int> active(n);
  std::iota(active.begin(), active.end(), 0);
  std::vector<std::string> schedule;
  if (settings.qcnn) {
    conv_layer(b, active, settings);
    schedule.push_back(fmt::format("conv({})", active.size()));
    while (active.size() / 2 + active.size() % 2 >= static_cast<size_t>(r) && active.size() > 1) {
      const size_t before = active.size();
      active = pool_layer(b, active, settings.qcnn_share);
      schedule.push_back(fmt::format("pool({}->{})", before, active.size()));
      conv_layer(b, active, settings);
      schedule.push_back(fmt::format("conv({})", active.size()));
    }
  }
  QmfCircuit out{std::move(b.circuit()), {}, fusion, b.params() - fusion, std::move(schedule)};
  out.readout.assign(active.begin(), active.begin() + r);
  out.encoding_gates = encoding_gates;
  out.fusion_end = fusion_end;
  return out;
}

}  // namespace qmf::model
