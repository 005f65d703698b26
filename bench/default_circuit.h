#pragma once
// The default QMFNN circuit of DESIGN §2 (M = 2, k = 4, n = 8, two fusion layers,
// conv(8) pool(8->4) conv(4), probs readout) with random inputs and angles.
#include <memory>
#include <vector>

#include "core/rng.h"
#include "model/qmf_circuit.h"
#include "sim/program.h"
#include "sim/state.h"

namespace qmf::bench {

struct DefaultWorkload {
  std::shared_ptr<const sim::Program> program;
  std::vector<int> readout;
  std::vector<double> theta;
  std::vector<sim::cplx> r1, r2;
  std::vector<double> dprobs;
  sim::ProductInput input() const { return {{4, 4}, {r1, r2}}; }

  explicit DefaultWorkload(size_t batch, uint64_t seed = 7) {
    model::QmfCircuit qc = model::build_qmf_circuit({.k = {4, 4}, .classes = 10});
    readout = qc.readout;
    program = std::make_shared<const sim::Program>(std::move(qc.circuit));
    Rng rng(seed);
    theta.resize(program->circuit().shared_params());
    for (auto& t : theta) t = rng.uniform(-3.14, 3.14);
    r1.resize(batch * 16), r2.resize(batch * 16);
    for (auto* r : {&r1, &r2}) {
      for (size_t b = 0; b < batch; ++b) {
        double norm = 0;
        for (size_t i = 0; i < 16; ++i) norm += std::norm((*r)[b * 16 + i] = rng.normal());
        for (size_t i = 0; i < 16; ++i) (*r)[b * 16 + i] /= std::sqrt(norm);
      }
    }
    dprobs.resize(batch << readout.size());
    for (auto& g : dprobs) g = rng.normal();
  }
};

}  // namespace qmf::bench
