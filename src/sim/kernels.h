#pragma once
// The simulator's hot loops, written once over a pack of W lanes (sim/pack.h) and instantiated
// once per instruction set: scalar (W = 1, kernels_scalar.cpp), AVX2 (kernels_avx2.cpp) and
// AVX-512 (kernels_avx512.cpp). One index skeleton per
// block width K = 2^k; the dense product is the only core. Kernels never allocate or throw.
//
// Matrices come as separate real and imaginary K*K arrays, row-major. "Lane" matrices hold one
// matrix per lane: element (r, c) of lane l at [(r*K + c) * W + l]. Every kernel works on the
// group range [g0, g1), so the caller decides how the range is split across threads.
#include <cstddef>
#include <cstdint>

#include "sim/layout.h"
#include "sim/pack.h"

namespace qmf::sim {

// The input registers of one chunk, laid out like the state (index i, lane l):
//   re = data[m][(2i) * W + l], im = data[m][(2i + 1) * W + l].
// Register m occupies the amplitude bits [shift[m], shift[m] + qubits[m]).
inline constexpr int kMaxRegisters = 8;
template <typename T>
struct RegisterLanes {
  int count = 0;
  int qubits[kMaxRegisters] = {};
  int shift[kMaxRegisters] = {};
  T* data[kMaxRegisters] = {};
};

template <typename T>
struct Matrices {  // a block's matrix: shared by all lanes (lanes == false) or one per lane
  const T* re = nullptr;
  const T* im = nullptr;  // null for a real matrix
  bool per_lane = false;
};

// A block that touches the lane bits of an amplitude-lane chunk (sim/layout.h). Its KH = 2^high_k
// rows are amplitudes of the chunk (the geometry of its high qubits), its KL = 2^low_k lane
// patterns live inside the packs. With perm_p(v)[l] = v[l ^ lane_xor[p]] over the KL subsets p of
// its lane bits, the block's product is
//   y[r] = sum_p sum_c m_p[r][c] * perm_p(x[c]),   m_p[r][c] a lane matrix,
// the same multiply-adds as a dense K x K product. Lane matrix (p, r, c), lane l, is at
// [((p * KH + r) * KH + c) * W + l]. For the adjoint's K, conj(lambda[r]) * perm_p(phi[c]) at
// lane l adds to K[row[r * W + l]][col[(p * KH + c) * W + l]] (block indices, K = KH * KL).
template <typename T>
struct LaneMixing {
  int high_k = 0, low_k = 0;
  const T* re = nullptr;
  const T* im = nullptr;  // null for a real block
  const int* lane_xor = nullptr;
  const int* row = nullptr;
  const int* col = nullptr;
};

// A linear map on four amplitude bits that a density matrix's two-qubit depolarizing channel
// needs (noise/density.h): v <- a v + b P v, where on each group of 16 amplitudes over the four
// bits (local index big-endian over them, offsets[e] its place) P writes a quarter of the sum of
// entries 0, 5, 10, 15 to each of those four and zero to the rest. bits: ascending positions.
struct PairMap {
  double a = 1, b = 0;
  int bits[4] = {};
  uint64_t offsets[16] = {};
};

// The table a simulator calls through. One table per (precision, pack width).
template <typename T>
struct KernelOps {
  int width;  // lanes per pack
  // out <- U in on the block's qubits (in place when in and out are the same chunk).
  void (*apply)(const BlockGeometry&, Matrices<T> u, ChunkView<T> in, ChunkView<T> out, size_t g0,
                size_t g1);
  // One adjoint step over a block with input phi_in = U^dag phi_out (arXiv:2009.02823):
  //   phi <- U^dag phi,  lambda <- U^dag lambda,
  //   k[r][c] += sum_rest conj(lambda_out[r]) phi_in[c]  (summed over lanes, or per lane).
  // With `recorded`, phi already holds phi_in (the forward kept it) and is only read.
  // `k_re`/`k_im` are K*K (shared) or K*K*W (per lane, same layout as lane matrices);
  // k_im may be null when only the real part is needed (real blocks).
  void (*adjoint)(const BlockGeometry&, Matrices<T> u_dag, ChunkView<T> phi, ChunkView<T> lambda,
                  size_t g0, size_t g1, bool per_lane_k, double* k_re, double* k_im, bool recorded);
  // apply and adjoint for a block that mixes lanes; `geo` places its high qubits, and K is
  // summed over the lanes (an amplitude-lane chunk is one sample).
  void (*apply_mixing)(const BlockGeometry& geo, const LaneMixing<T>& u, ChunkView<T> psi,
                       size_t g0, size_t g1);
  void (*adjoint_mixing)(const BlockGeometry& geo, const LaneMixing<T>& u_dag, ChunkView<T> phi,
                         ChunkView<T> lambda, size_t g0, size_t g1, double* k_re, double* k_im);
  // out[c * W + l] += sum of |psi(a)|^2 over amplitudes a in [a0, a1) whose bits on `bits`
  // (big-endian over the list) spell c.
  void (*marginal)(ChunkView<T> psi, const int* bits, int count, size_t a0, size_t a1, T* out);
  // lambda(a) = w[c(a) * W + l] * psi(a): the adjoint seed of a diagonal observable.
  void (*seed)(ChunkView<T> psi, ChunkView<T> lambda, const int* bits, int count, const T* w,
               size_t a0, size_t a1);
  // psi(a) = prod_m reg_m(a_m): the product state of the registers, amplitudes [a0, a1).
  void (*product)(const RegisterLanes<T>& regs, ChunkView<T> psi, size_t a0, size_t a1);
  // grad_m(i) += 2 sum over a with a_m = i of lambda(a) conj(prod of the other registers at a),
  // the gradient with dL = Re(conj(g) dpsi_m); `grads` has the layout of `regs`.
  void (*register_grad)(const RegisterLanes<T>& regs, ChunkView<T> lambda,
                        const RegisterLanes<T>& grads, size_t a0, size_t a1);
  // v <- a v + b P v (PairMap) for groups [g0, g1) of the four bits.
  void (*pair_map)(const PairMap& m, ChunkView<T> v, size_t g0, size_t g1);
};

template <typename T>
const KernelOps<T>& scalar_ops();  // kernels_scalar.cpp
template <typename T>
const KernelOps<T>& avx2_ops();  // kernels_avx2.cpp
template <typename T>
const KernelOps<T>& avx512_ops();  // kernels_avx512.cpp

}  // namespace qmf::sim
