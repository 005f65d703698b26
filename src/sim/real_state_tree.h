#pragma once
// A real register state as a binary tree of RY rotations (Mottonen et al.,
// arXiv:quant-ph/0407010): qubit j of the register, controlled by qubits 0..j-1 holding prefix p
// (qubit 0 the most significant bit of p), turns by angle[j][p]. This is how a device prepares
// an amplitude- or belief-encoded register from |0...0>, and so how its gradient is measured:
// `qmf export` writes the tree as RY and CNOT gates, and shot training shifts those RY gates.
#include <span>
#include <vector>

namespace qmf::sim {

// angles[j][p], j = 0..k-1, p = 0..2^j-1.
using TreeAngles = std::vector<std::vector<double>>;

// The tree taking |0...0> to the 2^k real amplitudes `a` (index big-endian over the register:
// qubit 0 is the most significant bit), signs included, up to normalisation. Inner levels split
// sub-norms (angles in [0, pi]; 0 when both children are empty); the last level splits the
// signed amplitudes themselves, so atan2 carries the signs (angles in (-2pi, 2pi]).
TreeAngles tree_angles(std::span<const double> a, int k);

// The unit state the tree prepares: out[i] = prod_j cos or sin(angle[j][prefix of i] / 2).
void tree_state(const TreeAngles& angles, std::span<double> out);

// da += J^T dangles, J = d(tree_angles(a))/da: the chain rule from the tree's angles back to the
// amplitudes. The angles depend on the direction of `a` only, so the result is orthogonal to
// `a`. Where a subtree is empty the angle is not differentiable; its term is left out.
void tree_angles_backward(std::span<const double> a, int k, const TreeAngles& dangles,
                          std::span<double> da);

}  // namespace qmf::sim
