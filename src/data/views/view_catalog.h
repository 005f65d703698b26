#pragma once
// The one table of views: each view's name, the data sets it is cut from and how it cuts them
// into modalities. Loading (views.h) reads the layout; whoever prepares the data (run.cpp fetches
// before loading) reads the data sets, so no caller needs to know what a view's name means.
//
// mnist/split-h2 (left, right: 28x14), mnist/split-v2 (top, bottom: 14x28), mnist/split-q4
// (top-left, top-right, bottom-left, bottom-right: 14x14), the same under fashion/, and
// mnist+fashion (an MNIST digit and a Fashion-MNIST item of the same class, paired at random
// by the seed within each split), mnist+fsdd (an MNIST digit and a spectrogram of a spoken
// recording of the same digit from the same split, likewise paired), cifar10/split-h2 (left,
// right: 32x16x3), cifar10/channels (red, green, blue: 32x32 each) and cifar10/gray+color
// (BT.601 luminance 32x32, and chroma Cb, Cr 32x32x2). Last, `files`: the user's own data from
// `files` (a directory of .npy / .csv files, see user_files.h): feature vectors, or images from
// 3-D and 4-D .npy arrays, each modality keeping its shape; `pool` does not apply.
#include <string>
#include <vector>

#include "data/data_set.h"

namespace qmf::data {

// How a view cuts its data sets into modalities.
enum class Layout {
  kHalvesH,         // left, right
  kHalvesV,         // top, bottom
  kQuadrants,       // top-left, top-right, bottom-left, bottom-right
  kChannels,        // R, G, B
  kGrayColor,       // luminance, chroma
  kWholePerSource,  // each data set whole, one modality per data set
  kUserFiles,       // the user's own feature files, one modality per file name (user_files.h)
};

struct ViewDescription {
  std::string name;
  std::vector<DataSet> sources;  // in modality order; none for the user's own files
  Layout layout;
};

// Every view, the built-in ones first and `files` last.
const std::vector<ViewDescription>& view_catalog();

// The names of view_catalog(), in its order.
const std::vector<std::string>& view_names();

// Throws qmf::UsageError naming data.view and listing the views when `name` is none of them.
const ViewDescription& describe_view(const std::string& name);

}  // namespace qmf::data
