#include "model/readout.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace qmf::model {
namespace {

// Z eigenvalue of readout qubit j (big-endian over the list) in outcome c of r qubits.
double z_sign(Eigen::Index c, Eigen::Index j, Eigen::Index r) {
  return ((c >> (r - 1 - j)) & 1) ? -1.0 : 1.0;
}

Eigen::Index qubits_of(Eigen::Index outcomes) {
  Eigen::Index r = 0;
  while ((Eigen::Index{1} << r) < outcomes) ++r;
  return r;
}

// sum_{c < C} P(c) of row b; the floor only matters if every class outcome had probability
// exactly zero.
double class_mass(const nn::Matrix& P, Eigen::Index b, int classes) {
  return std::max(P.row(b).head(classes).sum(), 1e-300);
}

}  // namespace

void class_probs(const nn::Matrix& P, int classes, nn::Matrix& probs) {
  QMF_CHECK(classes <= P.cols(), "{} classes but only {} outcomes", classes, P.cols());
  probs.resize(P.rows(), classes);
  for (Eigen::Index b = 0; b < P.rows(); ++b)
    probs.row(b) = P.row(b).head(classes) / class_mass(P, b, classes);
}

void class_probs_backward(const nn::Matrix& P, int classes, const nn::Matrix& dprobs,
                          nn::Matrix& dP) {
  dP.setZero(P.rows(), P.cols());
  // p_c = P_c / s with s = sum_{c<C} P_c: dL/dP_c = (dL/dp_c - sum_c' dL/dp_c' p_c') / s.
  for (Eigen::Index b = 0; b < P.rows(); ++b) {
    const double s = class_mass(P, b, classes);
    double dot = 0;
    for (int c = 0; c < classes; ++c) dot += dprobs(b, c) * P(b, c) / s;
    for (int c = 0; c < classes; ++c) dP(b, c) = (dprobs(b, c) - dot) / s;
  }
}

double probs_readout(const nn::Matrix& P, std::span<const int> y, int classes, nn::Matrix& probs,
                     nn::Matrix* dP, double floor) {
  const auto rows = P.rows();
  class_probs(P, classes, probs);
  if (dP) dP->setZero(rows, P.cols());
  double loss = 0;
  for (Eigen::Index b = 0; b < rows; ++b) {
    const double s = class_mass(P, b, classes);
    const int label = y[b];
    const double q = probs(b, label);
    loss -= std::log(q + floor);
    if (!dP) continue;
    // d(-log(q + f))/dP_c = -1/(q + f) * (delta_cy s - P_y) / s^2, c < C
    const double outer = -1.0 / ((q + floor) * static_cast<double>(rows));
    for (int c = 0; c < classes; ++c)
      (*dP)(b, c) = outer * ((c == label ? s : 0.0) - P(b, label)) / (s * s);
  }
  return loss / static_cast<double>(rows);
}

void z_from_marginal(const nn::Matrix& P, nn::Matrix& z) {
  const Eigen::Index r = qubits_of(P.cols());
  z.setZero(P.rows(), r);
  for (Eigen::Index b = 0; b < P.rows(); ++b)
    for (Eigen::Index c = 0; c < P.cols(); ++c)
      for (Eigen::Index j = 0; j < r; ++j) z(b, j) += z_sign(c, j, r) * P(b, c);
}

void z_backward(const nn::Matrix& dz, nn::Matrix& dP) {
  const Eigen::Index r = dz.cols();
  for (Eigen::Index b = 0; b < dP.rows(); ++b)
    for (Eigen::Index c = 0; c < dP.cols(); ++c) {
      double s = 0;
      for (Eigen::Index j = 0; j < r; ++j) s += z_sign(c, j, r) * dz(b, j);
      dP(b, c) = s;
    }
}

}  // namespace qmf::model
