#pragma once
// Evidential quantum fusion (docs/MODEL.md, "Evidential fusion"; model.kind = qmfnn with
// model.fusion = evidential), after arXiv:2410.08949 and 2401.01392:
//
//   h_m = FFN_m(x_m)                 B x 2^C, one score per subset F of the C classes
//   |psi_m> = sum_F sqrt(m_m(F)) |F>  belief encoding: m_m = softmax(h_m), a mass function
//   ancilla_j ^= R_1[j] AND R_2[j]   one Toffoli per class j; the ancillas then hold F_1 & F_2
//   P(H) on the ancillas             the conjunctive combination m(H), P(empty) the conflict
//   m(H) / (1 - m(empty))            Dempster's rule (non-empty H)
//   BetP(c) = sum_{H ∋ c} m(H)/|H|   the pignistic transform: the class probabilities
//   loss = mean -log(BetP(y) + 1e-10)
//
// Qubit-to-class mapping. Inside every register (sources and ancillas) the amplitude index IS the
// subset bitmask F of ds::Mass (bit j set when class j is in F). With the big-endian convention
// (qubit 0 of a register is the most significant bit of its index) class j therefore lives on
// register qubit C-1-j (class_qubit below): class 0 on the last qubit, class C-1 on the first.
// The FFN's output i is the score of subset i, and the ancilla marginal, read in register order,
// comes out indexed by H with no permutation anywhere.
//
// More than two sources (M > 2) cascade: stage s = 1 ANDs R_1 and R_2 into ancilla register A_1,
// stage s > 1 ANDs A_{s-1} and R_{s+1} into A_s; the marginal on A_{M-1} is the M-way
// conjunctive combination. n = (2M - 1) C qubits: R_1..R_M, then A_1..A_{M-1}; the ancillas are
// one product-input register of (M - 1) C qubits starting in |0...0>.
//
// Every parameter is classical (the FFNs): the Toffolis are fixed. Gradients: dL/dP through the
// pignistic transform and Dempster's rule, the adjoint sweep to the register amplitudes, the
// belief encoding's backward, the FFNs' backward.
#include <memory>
#include <span>
#include <vector>

#include "model/model.h"
#include "model/qmfnn.h"
#include "model/readout.h"
#include "nn/tensor.h"
#include "sim/circuit.h"

namespace qmf::model {

inline constexpr int kMaxEvidentialClasses = 5;  // 3C = 15 qubits for M = 2
inline constexpr int kMaxEvidentialQubits = 15;  // (2M - 1) C, the same bound for M > 2

// Register qubit holding class j, for a register of C qubits (see the mapping above).
constexpr int class_qubit(int classes, int j) { return classes - 1 - j; }

struct EvidentialCircuit {
  int classes = 0, sources = 0;
  sim::Circuit circuit{1};
  std::vector<int> registers;  // product-input register sizes: C per source, then (M - 1) C
  std::vector<int> readout;    // the last ancilla register, in order: marginal index = subset H
};

// Throws UsageError naming data.classes or model.fusion unless 2 <= C <= 5, M >= 2 and
// (2M - 1) C <= 15.
EvidentialCircuit build_evidential_circuit(int classes, int sources);

// Dempster's rule row by row on conjunctive masses P (B x 2^C, column = subset bitmask H,
// column 0 the conflict): column 0 becomes 0, the others are divided by the sum of the non-empty
// masses (1 - conflict for a normalised P, but without the cancellation when the conflict is near
// 1). Throws qmf::Error on a total conflict.
void dempster_rows(const nn::Matrix& conjunctive, nn::Matrix& normalised);

// Dempster's rule then the pignistic transform: writes class probabilities (B x C) and, when
// dconjunctive is not null, dLoss/dP (B x 2^C); returns the batch-mean loss, -log(BetP(y) +
// floor) (readout.h: prob_floor).
double evidential_readout(const nn::Matrix& conjunctive, std::span<const int> y, nn::Matrix& probs,
                          nn::Matrix* dconjunctive, double floor = kProbFloor);

// Uses dims, classes, ffn_hidden, ffn_activation, precision and threads of the spec. The belief
// encoding is forced (it is what makes a register a mass function) and k is C per register;
// model.encoding, model.k and the entangle-fusion keys (fusion_layers, entangle, qcnn,
// qcnn_share, conv_block, readout) do not apply. kind() is "qmfnn-evidential", so checkpoints of
// the two fusions cannot be mistaken for each other.
std::unique_ptr<Model> make_evidential(const QmfnnSpec& spec);

}  // namespace qmf::model
