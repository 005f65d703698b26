#include "nn/activation.h"

#include "core/error.h"

namespace qmf::nn {

namespace {
void check_same_shape(const Matrix& a, const Matrix& b, const char* what) {
  QMF_CHECK(a.rows() == b.rows() && a.cols() == b.cols(), "{}: shapes {} x {} and {} x {} differ",
            what, a.rows(), a.cols(), b.rows(), b.cols());
}
}  // namespace

void relu_forward(const Matrix& x, Matrix& y) {
  y.resize(x.rows(), x.cols());
  y.array() = x.array().max(0.0);
}

void relu_backward(const Matrix& x, const Matrix& dy, Matrix& dx) {
  check_same_shape(x, dy, "relu_backward");
  dx.resize(x.rows(), x.cols());
  // A plain loop, which compilers turn into a compare and a mask; Eigen's select branches per
  // entry on the signs, which are random.
  const double* in = x.data();
  const double* grad = dy.data();
  double* out = dx.data();
  for (Index i = 0; i < x.size(); ++i) out[i] = in[i] > 0.0 ? grad[i] : 0.0;
}

void tanh_forward(const Matrix& x, Matrix& y) {
  y.resize(x.rows(), x.cols());
  y.array() = x.array().tanh();
}

void tanh_backward(const Matrix& y, const Matrix& dy, Matrix& dx) {
  check_same_shape(y, dy, "tanh_backward");
  dx.resize(y.rows(), y.cols());
  dx.array() = dy.array() * (1.0 - y.array().square());
}

void activation_forward(Activation act, const Matrix& x, Matrix& y) {
  switch (act) {
    case Activation::relu:
      return relu_forward(x, y);
    case Activation::tanh:
      return tanh_forward(x, y);
  }
  QMF_CHECK(false, "unknown activation {}", static_cast<int>(act));
}

void activation_backward(Activation act, const Matrix& x, const Matrix& y, const Matrix& dy,
                         Matrix& dx) {
  switch (act) {
    case Activation::relu:
      return relu_backward(x, dy, dx);
    case Activation::tanh:
      return tanh_backward(y, dy, dx);
  }
  QMF_CHECK(false, "unknown activation {}", static_cast<int>(act));
}

}  // namespace qmf::nn
