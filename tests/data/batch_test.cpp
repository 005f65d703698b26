// Batching: the rows a batch asks for, in its order, from every modality alike.
#include "data/batch.h"

#include <vector>

#include <gtest/gtest.h>

namespace qmf::data {
namespace {

// Three samples, two modalities of widths 2 and 3; feature j of sample i in modality m is
// 100m + 10i + j, so every value names where it came from.
Split numbered_split() {
  Split s;
  for (int m = 0; m < 2; ++m) {
    Features x(3, 2 + m);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 2 + m; ++j) x(i, j) = static_cast<float>(100 * m + 10 * i + j);
    s.x.push_back(x);
  }
  s.y = {7, 8, 9};
  return s;
}

TEST(Gather, PicksTheRowsInTheOrderAskedFromEveryModality) {
  const Split split = numbered_split();
  const std::vector<size_t> idx = {2, 0, 2};
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  gather(split, idx, x, y);
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(y, (std::vector<int>{9, 7, 9}));
  for (int m = 0; m < 2; ++m) {
    ASSERT_EQ(x[m].rows(), 3);
    ASSERT_EQ(x[m].cols(), 2 + m);
    for (size_t r = 0; r < idx.size(); ++r)
      for (int j = 0; j < 2 + m; ++j)
        EXPECT_EQ(x[m](static_cast<Eigen::Index>(r), j), 100.0 * m + 10.0 * idx[r] + j);
  }
}

TEST(Gather, ReusedBuffersTakeTheShapeOfEachBatch) {
  const Split split = numbered_split();
  std::vector<nn::Matrix> x;
  std::vector<int> y;
  const std::vector<size_t> all = {0, 1, 2};
  gather(split, all, x, y);
  const std::vector<size_t> one = {1};
  gather(split, one, x, y);
  EXPECT_EQ(y, (std::vector<int>{8}));
  EXPECT_EQ(x[0].rows(), 1);
  EXPECT_EQ(x[1](0, 2), 112.0);
  gather(split, {}, x, y);
  EXPECT_TRUE(y.empty());
  EXPECT_EQ(x[1].rows(), 0);
  EXPECT_EQ(x[1].cols(), 3);
}

}  // namespace
}  // namespace qmf::data
