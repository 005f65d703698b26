#pragma once
// Kernel bodies. Included only by the kernel translation units, each with its own target flags.
#include "sim/kernels.h"

namespace qmf::sim::impl {

template <typename T, int W>
struct Kernels {
  using P = Pack<T, W>;
  using V = typename P::V;

  // Loads matrix element i (shared: broadcast; per lane: one value per lane).
  static V element(const T* m, int i, bool per_lane) {
    return per_lane ? P::load(m + static_cast<size_t>(i) * W) : P::splat(m[i]);
  }

  // y = U x over K complex inputs. Complex == false: U is real and half the products vanish.
  // PerLane: one matrix per lane instead of one broadcast to all lanes.
  template <int K, bool Complex, bool PerLane>
  [[gnu::always_inline]] static void multiply(const Matrices<T>& u, const V* xr, const V* xi, V* yr,
                                              V* yi) {
    for (int r = 0; r < K; ++r) {
      V ar = P::splat(0), ai = P::splat(0);
      for (int c = 0; c < K; ++c) {
        const V mr = element(u.re, r * K + c, PerLane);
        ar += mr * xr[c];
        ai += mr * xi[c];
        if constexpr (Complex) {
          const V mi = element(u.im, r * K + c, PerLane);
          ar -= mi * xi[c];
          ai += mi * xr[c];
        }
      }
      yr[r] = ar;
      yi[r] = ai;
    }
  }

  // Calls f.template operator()<Complex, PerLane>() for the matrix at hand: the kernel variants
  // are chosen once per block, outside the loops.
  template <typename F>
  static void with_variant(const Matrices<T>& u, F&& f) {
    if (u.im && u.per_lane)
      f.template operator()<true, true>();
    else if (u.im)
      f.template operator()<true, false>();
    else if (u.per_lane)
      f.template operator()<false, true>();
    else
      f.template operator()<false, false>();
  }

  template <int K>
  [[gnu::always_inline]] static void load(const ChunkView<T>& s, const uint64_t* off, uint64_t base,
                                          V* xr, V* xi) {
    for (int i = 0; i < K; ++i) {
      xr[i] = P::load(s.re(base + off[i]));
      xi[i] = P::load(s.im(base + off[i]));
    }
  }

  template <int K>
  [[gnu::always_inline]] static void store(const ChunkView<T>& s, const uint64_t* off,
                                           uint64_t base, const V* xr, const V* xi) {
    for (int i = 0; i < K; ++i) {
      P::store(s.re(base + off[i]), xr[i]);
      P::store(s.im(base + off[i]), xi[i]);
    }
  }

  template <int K, bool Complex, bool PerLane>
  static void apply_k(const BlockGeometry& geo, const Matrices<T>& u, const ChunkView<T>& in,
                      const ChunkView<T>& out, size_t g0, size_t g1) {
    V xr[K], xi[K], yr[K], yi[K];
    for (size_t g = g0; g < g1; ++g) {
      const uint64_t base = geo.expand(g);
      load<K>(in, geo.offsets, base, xr, xi);
      multiply<K, Complex, PerLane>(u, xr, xi, yr, yi);
      store<K>(out, geo.offsets, base, yr, yi);
    }
  }

  template <int K>
  static void apply_width(const BlockGeometry& geo, const Matrices<T>& u, const ChunkView<T>& in,
                          const ChunkView<T>& out, size_t g0, size_t g1) {
    with_variant(u, [&]<bool C, bool L>() { apply_k<K, C, L>(geo, u, in, out, g0, g1); });
  }

  static void apply(const BlockGeometry& geo, Matrices<T> u, ChunkView<T> in, ChunkView<T> out,
                    size_t g0, size_t g1) {
    switch (geo.k) {
      case 1:
        return apply_width<2>(geo, u, in, out, g0, g1);
      case 2:
        return apply_width<4>(geo, u, in, out, g0, g1);
      default:
        return apply_width<8>(geo, u, in, out, g0, g1);
    }
  }

  // K's imaginary part is needed exactly when the block is complex (real blocks have real
  // derivatives), so one flag serves both the products and the accumulation. Recorded: phi
  // already holds the block's input (the forward kept it), so it is read, not undone.
  template <int K, bool Complex, bool PerLane, bool Recorded>
  static void adjoint_k(const BlockGeometry& geo, const Matrices<T>& u, const ChunkView<T>& phi,
                        const ChunkView<T>& lam, size_t g0, size_t g1, V* acc_re, V* acc_im) {
    V fr[K], fi[K], lr[K], li[K], tr[K], ti[K];
    for (size_t g = g0; g < g1; ++g) {
      const uint64_t base = geo.expand(g);
      if constexpr (Recorded) {
        load<K>(phi, geo.offsets, base, fr, fi);
      } else {
        load<K>(phi, geo.offsets, base, tr, ti);
        multiply<K, Complex, PerLane>(u, tr, ti, fr, fi);
        store<K>(phi, geo.offsets, base, fr, fi);
      }
      load<K>(lam, geo.offsets, base, lr, li);
      for (int r = 0; r < K; ++r)
        for (int c = 0; c < K; ++c) {  // conj(lambda_r) * phi_c
          acc_re[r * K + c] += lr[r] * fr[c] + li[r] * fi[c];
          if constexpr (Complex) acc_im[r * K + c] += lr[r] * fi[c] - li[r] * fr[c];
        }
      multiply<K, Complex, PerLane>(u, lr, li, tr, ti);
      store<K>(lam, geo.offsets, base, tr, ti);
    }
  }

  template <int K>
  static void adjoint_width(const BlockGeometry& geo, const Matrices<T>& u, const ChunkView<T>& phi,
                            const ChunkView<T>& lam, size_t g0, size_t g1, bool per_lane_k,
                            double* k_re, double* k_im, bool recorded) {
    V acc_re[K * K], acc_im[K * K];
    for (int i = 0; i < K * K; ++i) acc_re[i] = acc_im[i] = P::splat(0);
    with_variant(u, [&]<bool C, bool L>() {
      if (recorded)
        adjoint_k<K, C, L, true>(geo, u, phi, lam, g0, g1, acc_re, acc_im);
      else
        adjoint_k<K, C, L, false>(geo, u, phi, lam, g0, g1, acc_re, acc_im);
    });
    reduce<K>(acc_re, per_lane_k, k_re);
    if (k_im) reduce<K>(acc_im, per_lane_k, k_im);
  }

  // Adds pack accumulators into double sums, lane by lane in a fixed order.
  template <int K>
  static void reduce(const V* acc, bool per_lane, double* out) {
    for (int i = 0; i < K * K; ++i) {
      if (per_lane) {
        for (int l = 0; l < W; ++l) out[i * W + l] += static_cast<double>(P::lane(acc[i], l));
      } else {
        double s = 0;
        for (int l = 0; l < W; ++l) s += static_cast<double>(P::lane(acc[i], l));
        out[i] += s;
      }
    }
  }

  static void adjoint(const BlockGeometry& geo, Matrices<T> u, ChunkView<T> phi, ChunkView<T> lam,
                      size_t g0, size_t g1, bool per_lane_k, double* k_re, double* k_im,
                      bool recorded) {
    switch (geo.k) {
      case 1:
        return adjoint_width<2>(geo, u, phi, lam, g0, g1, per_lane_k, k_re, k_im, recorded);
      case 2:
        return adjoint_width<4>(geo, u, phi, lam, g0, g1, per_lane_k, k_re, k_im, recorded);
      default:
        return adjoint_width<8>(geo, u, phi, lam, g0, g1, per_lane_k, k_re, k_im, recorded);
    }
  }

  // ---- Blocks that mix lanes (LaneMixing) ----

  // xp[p * KH + c] = perm_p(x[c]).
  template <int KH, int KL>
  [[gnu::always_inline]] static void permute_all(const typename P::Index* idx, const V* xr,
                                                 const V* xi, V* pr, V* pi) {
    for (int c = 0; c < KH; ++c) pr[c] = xr[c], pi[c] = xi[c];  // p = 0 is the identity
    for (int p = 1; p < KL; ++p)
      for (int c = 0; c < KH; ++c) {
        pr[p * KH + c] = P::permute(xr[c], idx[p]);
        pi[p * KH + c] = P::permute(xi[c], idx[p]);
      }
  }

  // y[r] = sum_p sum_c m_p[r][c] * xp[p * KH + c].
  template <int KH, int KL, bool Complex>
  [[gnu::always_inline]] static void mix(const LaneMixing<T>& u, const V* xr, const V* xi, V* yr,
                                         V* yi) {
    for (int r = 0; r < KH; ++r) {
      V ar = P::splat(0), ai = P::splat(0);
      for (int p = 0; p < KL; ++p)
        for (int c = 0; c < KH; ++c) {
          const size_t e = static_cast<size_t>((p * KH + r) * KH + c) * W;
          const V mr = P::load(u.re + e), x_r = xr[p * KH + c], x_i = xi[p * KH + c];
          ar += mr * x_r;
          ai += mr * x_i;
          if constexpr (Complex) {
            const V mi = P::load(u.im + e);
            ar -= mi * x_i;
            ai += mi * x_r;
          }
        }
      yr[r] = ar;
      yi[r] = ai;
    }
  }

  // Calls f.template operator()<KH, KL, Complex>() for the block at hand.
  template <typename F>
  static void with_mixing(const LaneMixing<T>& u, F&& f) {
    const auto complex = [&]<int KH, int KL>() {
      if constexpr (KL <= W) {
        if (u.im)
          f.template operator()<KH, KL, true>();
        else
          f.template operator()<KH, KL, false>();
      }
    };
    switch (u.high_k * 4 + u.low_k) {
      case 1:
        return complex.template operator()<1, 2>();
      case 2:
        return complex.template operator()<1, 4>();
      case 3:
        return complex.template operator()<1, 8>();
      case 5:
        return complex.template operator()<2, 2>();
      case 6:
        return complex.template operator()<2, 4>();
      default:
        return complex.template operator()<4, 2>();
    }
  }

  template <int KL>
  static void lane_indices(const LaneMixing<T>& u, typename P::Index* idx) {
    for (int p = 0; p < KL; ++p) idx[p] = P::xor_index(u.lane_xor[p]);
  }

  template <int KH, int KL, bool Complex>
  static void apply_mixing_k(const BlockGeometry& geo, const LaneMixing<T>& u,
                             const ChunkView<T>& psi, size_t g0, size_t g1) {
    typename P::Index idx[KL];
    lane_indices<KL>(u, idx);
    V xr[KH], xi[KH], pr[KL * KH], pi[KL * KH], yr[KH], yi[KH];
    for (size_t g = g0; g < g1; ++g) {
      const uint64_t base = geo.expand(g);
      load<KH>(psi, geo.offsets, base, xr, xi);
      permute_all<KH, KL>(idx, xr, xi, pr, pi);
      mix<KH, KL, Complex>(u, pr, pi, yr, yi);
      store<KH>(psi, geo.offsets, base, yr, yi);
    }
  }

  static void apply_mixing(const BlockGeometry& geo, const LaneMixing<T>& u, ChunkView<T> psi,
                           size_t g0, size_t g1) {
    with_mixing(u,
                [&]<int KH, int KL, bool C>() { apply_mixing_k<KH, KL, C>(geo, u, psi, g0, g1); });
  }

  template <int KH, int KL, bool Complex>
  static void adjoint_mixing_k(const BlockGeometry& geo, const LaneMixing<T>& u,
                               const ChunkView<T>& phi, const ChunkView<T>& lam, size_t g0,
                               size_t g1, double* k_re, double* k_im) {
    constexpr int kAcc = KL * KH * KH;
    typename P::Index idx[KL];
    lane_indices<KL>(u, idx);
    V acc_re[kAcc], acc_im[kAcc];
    for (int i = 0; i < kAcc; ++i) acc_re[i] = acc_im[i] = P::splat(0);
    V xr[KH], xi[KH], fr[KH], fi[KH], lr[KH], li[KH], pr[KL * KH], pi[KL * KH];
    for (size_t g = g0; g < g1; ++g) {
      const uint64_t base = geo.expand(g);
      load<KH>(phi, geo.offsets, base, xr, xi);
      permute_all<KH, KL>(idx, xr, xi, pr, pi);
      mix<KH, KL, Complex>(u, pr, pi, fr, fi);
      store<KH>(phi, geo.offsets, base, fr, fi);
      permute_all<KH, KL>(idx, fr, fi, pr, pi);  // phi_in, lane-permuted
      load<KH>(lam, geo.offsets, base, lr, li);
      for (int p = 0; p < KL; ++p)
        for (int r = 0; r < KH; ++r)
          for (int c = 0; c < KH; ++c) {  // conj(lambda_r) * perm_p(phi_c)
            const int a = (p * KH + r) * KH + c, x = p * KH + c;
            acc_re[a] += lr[r] * pr[x] + li[r] * pi[x];
            if constexpr (Complex) acc_im[a] += lr[r] * pi[x] - li[r] * pr[x];
          }
      permute_all<KH, KL>(idx, lr, li, pr, pi);
      mix<KH, KL, Complex>(u, pr, pi, xr, xi);
      store<KH>(lam, geo.offsets, base, xr, xi);
    }
    scatter_mixing<KH, KL>(u, acc_re, k_re);
    if (k_im) scatter_mixing<KH, KL>(u, acc_im, k_im);
  }

  // Adds the lanes of the accumulators into K's entries, in a fixed order.
  template <int KH, int KL>
  static void scatter_mixing(const LaneMixing<T>& u, const V* acc, double* k) {
    constexpr int K = KH * KL;
    // Several lanes land on one entry: they are summed here first, so each call adds one total
    // per entry, as the traversal's reductions require for equal bits at every thread count.
    double total[K * K] = {};
    for (int p = 0; p < KL; ++p)
      for (int r = 0; r < KH; ++r)
        for (int c = 0; c < KH; ++c)
          for (int l = 0; l < W; ++l)
            total[u.row[r * W + l] * K + u.col[(p * KH + c) * W + l]] +=
                static_cast<double>(P::lane(acc[(p * KH + r) * KH + c], l));
    for (int e = 0; e < K * K; ++e) k[e] += total[e];
  }

  static void adjoint_mixing(const BlockGeometry& geo, const LaneMixing<T>& u, ChunkView<T> phi,
                             ChunkView<T> lam, size_t g0, size_t g1, double* k_re, double* k_im) {
    with_mixing(u, [&]<int KH, int KL, bool C>() {
      adjoint_mixing_k<KH, KL, C>(geo, u, phi, lam, g0, g1, k_re, k_im);
    });
  }

  static size_t outcome(size_t a, const int* bits, int count) {
    size_t c = 0;
    for (int j = 0; j < count; ++j) c = (c << 1) | ((a >> bits[j]) & 1);
    return c;
  }

  static void marginal(ChunkView<T> psi, const int* bits, int count, size_t a0, size_t a1, T* out) {
    for (size_t a = a0; a < a1; ++a) {
      const V r = P::load(psi.re(a)), i = P::load(psi.im(a));
      T* o = out + outcome(a, bits, count) * W;
      P::store(o, P::load(o) + r * r + i * i);
    }
  }

  static void seed(ChunkView<T> psi, ChunkView<T> lam, const int* bits, int count, const T* w,
                   size_t a0, size_t a1) {
    for (size_t a = a0; a < a1; ++a) {
      const V wa = P::load(w + outcome(a, bits, count) * W);
      P::store(lam.re(a), wa * P::load(psi.re(a)));
      P::store(lam.im(a), wa * P::load(psi.im(a)));
    }
  }

  static size_t index(const RegisterLanes<T>& r, int m, size_t a) {
    return (a >> r.shift[m]) & ((size_t{1} << r.qubits[m]) - 1);
  }

  static void product(const RegisterLanes<T>& regs, ChunkView<T> psi, size_t a0, size_t a1) {
    for (size_t a = a0; a < a1; ++a) {
      const T* first = regs.data[0] + 2 * index(regs, 0, a) * W;
      V re = P::load(first), im = P::load(first + W);
      for (int m = 1; m < regs.count; ++m) {
        const T* f = regs.data[m] + 2 * index(regs, m, a) * W;
        const V fr = P::load(f), fi = P::load(f + W);
        const V nr = re * fr - im * fi;
        im = re * fi + im * fr;
        re = nr;
      }
      P::store(psi.re(a), re);
      P::store(psi.im(a), im);
    }
  }

  static void register_grad(const RegisterLanes<T>& regs, ChunkView<T> lam,
                            const RegisterLanes<T>& grads, size_t a0, size_t a1) {
    const int count = regs.count;
    V fr[kMaxRegisters], fi[kMaxRegisters];          // each register's factor at a
    V pr[kMaxRegisters + 1], pi[kMaxRegisters + 1];  // prefix products
    for (size_t a = a0; a < a1; ++a) {
      for (int m = 0; m < count; ++m) {
        const T* f = regs.data[m] + 2 * index(regs, m, a) * W;
        fr[m] = P::load(f), fi[m] = P::load(f + W);
      }
      pr[0] = P::splat(1), pi[0] = P::splat(0);
      for (int m = 0; m < count; ++m) {
        pr[m + 1] = pr[m] * fr[m] - pi[m] * fi[m];
        pi[m + 1] = pr[m] * fi[m] + pi[m] * fr[m];
      }
      const V lr = P::splat(2) * P::load(lam.re(a)), li = P::splat(2) * P::load(lam.im(a));
      V sr = P::splat(1), si = P::splat(0);  // suffix product, built from the right
      for (int m = count; m-- > 0;) {
        const V orr = pr[m] * sr - pi[m] * si, oi = pr[m] * si + pi[m] * sr;  // others
        T* g = grads.data[m] + 2 * index(grads, m, a) * W;
        // lambda * conj(others)
        P::store(g, P::load(g) + lr * orr + li * oi);
        P::store(g + W, P::load(g + W) + li * orr - lr * oi);
        const V nr = sr * fr[m] - si * fi[m];
        si = sr * fi[m] + si * fr[m];
        sr = nr;
      }
    }
  }

  // v <- a v + b P v on each group of 16 amplitudes over four bits, P keeping a quarter of the
  // trace of entries 0, 5, 10, 15 on those entries and zeroing the rest.
  static void pair_map(const PairMap& m, ChunkView<T> v, size_t g0, size_t g1) {
    constexpr int kDiagonal[4] = {0, 5, 10, 15};
    const V a = P::splat(static_cast<T>(m.a)), quarter_b = P::splat(static_cast<T>(m.b / 4));
    V x[16];
    for (size_t g = g0; g < g1; ++g) {
      uint64_t base = g;
      for (int j = 0; j < 4; ++j)  // a zero at each of the four bits, lowest first
        base = ((base >> m.bits[j]) << (m.bits[j] + 1)) | (base & ((uint64_t{1} << m.bits[j]) - 1));
      for (int part = 0; part < 2; ++part) {
        T* rows[16];
        for (int e = 0; e < 16; ++e)
          rows[e] = part ? v.im(base + m.offsets[e]) : v.re(base + m.offsets[e]);
        for (int e = 0; e < 16; ++e) x[e] = P::load(rows[e]);
        const V trace = quarter_b * (x[0] + x[5] + x[10] + x[15]);
        for (int e = 0; e < 16; ++e) x[e] = a * x[e];
        for (int d : kDiagonal) x[d] = x[d] + trace;
        for (int e = 0; e < 16; ++e) P::store(rows[e], x[e]);
      }
    }
  }

  static const KernelOps<T>& ops() {
    static const KernelOps<T> table{W,         &apply, &adjoint, &apply_mixing,  &adjoint_mixing,
                                    &marginal, &seed,  &product, &register_grad, &pair_map};
    return table;
  }
};

}  // namespace qmf::sim::impl
