#pragma once
// Training-time augmentation of image batches (data.augment): what small CIFAR-10 networks are
// trained with. Each training picture is shifted by up to `crop_padding` pixels each way (the
// random crop of an image padded with zeros) and mirrored left-right with probability 1/2, anew
// every epoch. The pieces of one picture move as that picture does (ImagePlacement): on a split
// view the left half of a shifted image takes in pixels of the right half across the cut, and
// the left half of a mirrored image is the right half mirrored, as the left half of a photo
// taken the other way round would be. Every picture of a sample takes the same draw, so its views
// stay one scene. The draw of a sample comes from the (seed, epoch) stream and its index in the
// split alone: the batch it lands in, the MPI rank that trains it and a resume change nothing.
// Evaluation never augments.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/image_shape.h"
#include "core/options.h"
#include "nn/tensor.h"

namespace qmf::data {

struct Augmentation {
  size_t crop_padding = 0;  // largest shift in pixels; 0: none
  bool flip = false;        // mirror left-right half of the time
  bool active() const { return crop_padding > 0 || flip; }
  bool operator==(const Augmentation&) const = default;
};

// What data.augment asks for on `view` with this front end. auto: crop-flip (4 pixels) for the
// CIFAR-10 views under a convolutional front end, none otherwise: digits are not mirror-symmetric
// and an MLP has no translation invariance for the shifts to teach.
Augmentation augmentation_for(Augment setting, const std::string& view, Frontend frontend);

// Augments a training batch in place: x[m] row b is sample rows[b] of modality m, whose shape is
// shapes[m] and whose place in its picture is placements[m]; modalities that are not images are
// left as they are.
void augment(std::vector<nn::Matrix>& x, const std::vector<ImageShape>& shapes,
             const std::vector<ImagePlacement>& placements, std::span<const size_t> rows,
             const Augmentation& how, uint64_t epoch_seed);

}  // namespace qmf::data
