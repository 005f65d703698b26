#pragma once
// Looking inside a trained QMFNN, for `qmf explain` and `qmf export`: the register states a
// batch encodes to, the circuit run from any register states (so a modality can be ablated by
// swapping its register), and the entanglement between registers after the fusion block and
// after the whole circuit. The QMFNN model implements it and hands it out through
// Model::probe(); other models return nullptr there.
#include <complex>
#include <span>
#include <vector>

#include "model/qmf_circuit.h"
#include "model/qmfnn.h"
#include "nn/tensor.h"

namespace qmf::model {

class QmfnnProbe {
 public:
  // Per modality: B rows of 2^k_m real amplitudes, the register's state before fusion.
  using Registers = std::vector<std::vector<std::complex<double>>>;
  enum class Stage { fusion, circuit };

  virtual ~QmfnnProbe() = default;

  virtual const QmfnnSpec& spec() const = 0;
  // The circuit; its gates before encoding_gates are the per-sample RY gates of the angle
  // encoding, which registers() folds into the register states.
  virtual const QmfCircuit& qmf_circuit() const = 0;
  virtual std::span<const double> angles() const = 0;  // trained shared circuit parameters

  // The registers' states for inputs x (one B x D_m matrix per modality); for the angle
  // encoding, the product of RY(h_j)|0> over the register's qubits.
  virtual Registers registers(const std::vector<nn::Matrix>& x) = 0;
  // The FFN outputs h_m (B x 2^k_m, or B x k_m: the RY angles of the angle encoding).
  virtual std::vector<nn::Matrix> features(const std::vector<nn::Matrix>& x) = 0;
  // The circuit after the encoding, started from `registers`: the marginal P on the readout
  // qubits (B x 2^r) and the class probabilities (B x C).
  virtual void run_from(const Registers& registers, nn::Matrix& marginal, nn::Matrix& probs) = 0;
  // The class probabilities (B x C) the readout makes of marginals P (B x 2^r). P is linear in
  // the state's density matrix, so the readout of an average of marginals is the readout of the
  // mixture of their states (the class probabilities themselves do not average: the probs
  // readout renormalises over the first C outcomes, expval applies a softmax).
  virtual void readout_probs(const nn::Matrix& marginal, nn::Matrix& probs) = 0;
  // Von Neumann entropy in bits of each register's reduced state (B x M) after the fusion
  // block or after the whole circuit.
  virtual nn::Matrix register_entropies(const Registers& registers, Stage stage) = 0;
};

// The circuit's gates in [first, last) as a circuit of their own (same shared parameter
// indices, so it takes a prefix of the same angles).
sim::Circuit gate_range(const sim::Circuit& circuit, size_t first, size_t last);

}  // namespace qmf::model
