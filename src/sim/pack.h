#pragma once
// A pack of W lanes of T: the unit every kernel computes with. W = 1 is the scalar twin; wider
// packs are GCC vector types, which the AVX2 and AVX-512 translation units turn into ymm and zmm
// arithmetic. A kernel's work per amplitude is the same at every width.

namespace qmf::sim {

// GCC attaches vector_size only to concrete types, hence one line per supported pack.
template <typename T, int W>
struct VectorOf;
template <>
struct VectorOf<double, 4> {
  typedef double type __attribute__((vector_size(32)));
  typedef double unaligned __attribute__((vector_size(32), aligned(sizeof(double))));
};
template <>
struct VectorOf<float, 8> {
  typedef float type __attribute__((vector_size(32)));
  typedef float unaligned __attribute__((vector_size(32), aligned(sizeof(float))));
};
template <>
struct VectorOf<double, 8> {
  typedef double type __attribute__((vector_size(64)));
  typedef double unaligned __attribute__((vector_size(64), aligned(sizeof(double))));
};
template <>
struct VectorOf<float, 16> {
  typedef float type __attribute__((vector_size(64)));
  typedef float unaligned __attribute__((vector_size(64), aligned(sizeof(float))));
};

// Lane indices for permute(): integers of the element's size, as GCC's shuffles want them.
template <typename T, int W>
struct IndexVectorOf;
template <int W>
struct IndexVectorOf<double, W> {
  typedef long long type __attribute__((vector_size(8 * W)));
};
template <int W>
struct IndexVectorOf<float, W> {
  typedef int type __attribute__((vector_size(4 * W)));
};

template <typename T, int W>
struct Pack {
  using V = typename VectorOf<T, W>::type;
  using Index = typename IndexVectorOf<T, W>::type;
  static constexpr int width = W;
  // Index vector whose lane l reads lane l ^ mask.
  static Index xor_index(int mask) {
    Index i;
    for (int l = 0; l < W; ++l) i[l] = l ^ mask;
    return i;
  }
  static V permute(const V& v, const Index& i) {
#if defined(__clang__)  // clang lacks variable shuffles; it only analyses this code
    V r;
    for (int l = 0; l < W; ++l) r[l] = v[i[l]];
    return r;
#else
    return __builtin_shuffle(v, i);
#endif
  }
  // Through a vector of T rather than memcpy: a store then aliases only other T, so the kernels
  // keep their views' pointers and strides in registers across it.
  using Unaligned = typename VectorOf<T, W>::unaligned;
  static V load(const T* p) { return *reinterpret_cast<const Unaligned*>(p); }
  static void store(T* p, V v) { *reinterpret_cast<Unaligned*>(p) = v; }
  static V splat(T x) { return V{} + x; }
  static T lane(const V& v, int l) { return v[l]; }
};

template <typename T>
struct Pack<T, 1> {
  using V = T;
  using Index = int;
  static constexpr int width = 1;
  static Index xor_index(int /*mask*/) { return 0; }
  static V permute(const V& v, const Index& /*i*/) { return v; }
  static V load(const T* p) { return *p; }
  static void store(T* p, V v) { *p = v; }
  static V splat(T x) { return x; }
  static T lane(const V& v, int /*l*/) { return v; }
};

}  // namespace qmf::sim
