#pragma once
// The in-memory form of a multimodal dataset: what every model and trainer consumes.
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace qmf::data {

// One row per sample, one column per feature.
using Features = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Split {
  std::vector<Features> x;  // one per modality, each with size() rows
  std::vector<int> y;       // labels in [0, classes)

  size_t size() const { return y.size(); }
};

// Height and width of a modality that is an image; features are its pixels in row-major order.
struct ImageShape {
  size_t rows = 0;
  size_t cols = 0;
};

struct Multimodal {
  std::string view;
  std::vector<std::string> modality_names;
  std::vector<ImageShape> image_shapes;  // per modality; empty when the modalities are not images
  Split train, test;
  Split validation;  // held out of the training data (data.validation); may be empty
  int classes = 0;

  // Feature count of each modality.
  std::vector<size_t> dims() const {
    std::vector<size_t> d;
    for (const Features& f : train.x) d.push_back(static_cast<size_t>(f.cols()));
    return d;
  }
};

}  // namespace qmf::data
