#pragma once
// Classical Dempster-Shafer theory on a frame of C classes, written the plain way: the reference
// that the evidential circuit (model/evidential.h) is tested against, and a readable statement of
// what that circuit computes.
//
// A mass function holds 2^C values indexed by subsets of the classes as bitmasks: bit j of the
// index F is set when class j belongs to the focal set F. Index 0 is the empty set, whose mass
// after a conjunctive combination is the conflict between the sources.
// Every function checks (QMF_CHECK) that its inputs are mass functions: 2^C non-negative values
// summing to 1 (to 1e-9).
#include <span>
#include <vector>

namespace qmf::model::ds {

using Mass = std::vector<double>;  // 2^C values, index = subset bitmask

// The number of classes C of a mass of 2^C values (C >= 1); QMF_CHECK error otherwise.
int classes_of(const Mass& m);

// Unnormalised conjunctive combination of one or more mass functions on the same frame:
//   m(H) = sum over F_1 & F_2 & ... & F_M = H of m_1(F_1) m_2(F_2) ... m_M(F_M),
// m(empty) being the conflict. Commutative and associative; M = 1 returns m_1.
Mass conjunctive(std::span<const Mass> masses);

// Dempster's rule on a (conjunctively combined) mass: the non-empty masses divided by
// 1 - m(empty); the result has m(empty) = 0. Throws qmf::Error on total conflict (m(empty) = 1).
Mass dempster(const Mass& m);

// The pignistic transform of the normalised mass: BetP(c) = sum over H containing c of
// m(H) / |H|, divided by 1 - m(empty). C values summing to 1. Throws qmf::Error on total conflict.
std::vector<double> pignistic(const Mass& m);

}  // namespace qmf::model::ds
