#pragma once
// A pack of W lanes of T: the unit every kernel computes with. W = 1 is the scalar twin; wider
// packs are GCC vector types, which the AVX2 translation unit turns into ymm arithmetic. The
// batch is the lane dimension, so a kernel's work per amplitude is the same at every width.
#include <cstring>

namespace qmf::sim {

// GCC attaches vector_size only to concrete types, hence one line per supported pack.
template <typename T, int W>
struct VectorOf;
template <>
struct VectorOf<double, 4> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct VectorOf<float, 8> {
  typedef float type __attribute__((vector_size(32)));
};

template <typename T, int W>
struct Pack {
  using V = typename VectorOf<T, W>::type;
  static constexpr int width = W;
  static V load(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
  }
  static void store(T* p, V v) { std::memcpy(p, &v, sizeof(V)); }
  static V splat(T x) { return V{} + x; }
  static T lane(const V& v, int l) { return v[l]; }
};

template <typename T>
struct Pack<T, 1> {
  using V = T;
  static constexpr int width = 1;
  static V load(const T* p) { return *p; }
  static void store(T* p, V v) { *p = v; }
  static V splat(T x) { return x; }
  static T lane(const V& v, int /*l*/) { return v; }
};

}  // namespace qmf::sim
