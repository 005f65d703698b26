#pragma once
// The in-memory form of a multimodal dataset: what every model and trainer consumes.
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/image_shape.h"

namespace qmf::data {

// One row per sample, one column per feature.
using Features = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Split {
  std::vector<Features> x;  // one per modality, each with size() rows
  std::vector<int> y;       // labels in [0, classes)

  size_t size() const { return y.size(); }
};

struct Multimodal {
  std::string view;
  std::vector<std::string> modality_names;
  std::vector<ImageShape> image_shapes;    // per modality: an image's, or {1, D, 1} for features
  std::vector<ImagePlacement> placements;  // per modality: where it lies in its picture
  Split train, test;
  Split validation;  // held out of the training data (data.validation); may be empty
  int classes = 0;
  // What each label means, classes entries in label order: the digits for MNIST, Fashion-MNIST's
  // and CIFAR-10's names, the kept original labels after data.classes ("3", "5", "8"), or a
  // `files` view's classes.txt. Outputs show these; the model only ever sees 0..classes-1.
  std::vector<std::string> class_names;
  // What the loader found questionable but not wrong (a class without training samples);
  // whoever loads the data shows them.
  std::vector<std::string> warnings;

  // Feature count of each modality.
  std::vector<size_t> dims() const {
    std::vector<size_t> d;
    for (const Features& f : train.x) d.push_back(static_cast<size_t>(f.cols()));
    return d;
  }
};

}  // namespace qmf::data
