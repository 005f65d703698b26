#include "model/encoding.h"

#include <cmath>

#include "core/error.h"

namespace qmf::model {

void encode(Encoding e, const nn::Matrix& h, std::vector<cplx>& amp) {
  QMF_CHECK(e != Encoding::angle, "angle encoding has no amplitude vector");
  const auto rows = h.rows(), d = h.cols();
  amp.resize(static_cast<size_t>(rows * d));
  for (Eigen::Index b = 0; b < rows; ++b) {
    cplx* out = amp.data() + b * d;
    if (e == Encoding::amplitude) {
      const double norm = std::sqrt(h.row(b).squaredNorm() + kAmplitudeEps);
      for (Eigen::Index i = 0; i < d; ++i) out[i] = h(b, i) / norm;
    } else {  // belief: sqrt(softmax(h))
      const double top = h.row(b).maxCoeff();
      double z = 0;
      for (Eigen::Index i = 0; i < d; ++i) z += std::exp(h(b, i) - top);
      for (Eigen::Index i = 0; i < d; ++i) out[i] = std::sqrt(std::exp(h(b, i) - top) / z);
    }
  }
}

void encode_backward(Encoding e, const nn::Matrix& h, const std::vector<cplx>& amp,
                     const std::vector<cplx>& g, nn::Matrix& dh) {
  const auto rows = h.rows(), d = h.cols();
  dh.resize(rows, d);
  for (Eigen::Index b = 0; b < rows; ++b) {
    const cplx* psi = amp.data() + b * d;
    const cplx* gb = g.data() + b * d;
    double dot = 0;  // sum_i Re(g_i) psi_i
    for (Eigen::Index i = 0; i < d; ++i) dot += gb[i].real() * psi[i].real();
    if (e == Encoding::amplitude) {
      // psi = h / N, N = sqrt(|h|^2 + eps): dL/dh_i = (Re g_i - psi_i <Re g, psi>) / N
      const double norm = std::sqrt(h.row(b).squaredNorm() + kAmplitudeEps);
      for (Eigen::Index i = 0; i < d; ++i) dh(b, i) = (gb[i].real() - psi[i].real() * dot) / norm;
    } else {
      // psi_i = sqrt(s_i), s = softmax(h): dL/dh_j = (Re g_j psi_j - s_j <Re g, psi>) / 2
      for (Eigen::Index j = 0; j < d; ++j) {
        const double s = psi[j].real() * psi[j].real();
        dh(b, j) = 0.5 * (gb[j].real() * psi[j].real() - s * dot);
      }
    }
  }
}

}  // namespace qmf::model
