// What the labels mean in every output: the names each view carries (digits, Fashion-MNIST's and
// CIFAR-10's names, a data.classes subset in its order, a `files` view's classes.txt), the checks
// on classes.txt, and the warning for a class without training samples.
#include "data/views/class_names.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/fetch/temp_dir.h"
#include "data/views/views.h"
#include "support/fake_mnist.h"
#include "support/feature_files.h"
#include "support/run_command.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;
using qmf::testing::contains;
using qmf::testing::write_text;

class ClassNames : public ::testing::Test {
 protected:
  TempDir tmp_{"qmf-class-names"};
  fs::path files() const { return tmp_.path() / "mine"; }
  Multimodal load_files(std::vector<int> classes = {}) const {
    return load_view({.files = files(), .view = "files", .classes = std::move(classes)});
  }
  std::string error_loading() const {
    try {
      load_files();
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
};

TEST_F(ClassNames, ImageViewsNameTheirClassesAndKeepTheSubsetInItsOrder) {
  qmf::testing::write_fake_mnist(tmp_.path(), 100, 40);
  const Multimodal digits = load_view({.dir = tmp_.path(), .view = "mnist/split-h2"});
  EXPECT_EQ(digits.class_names, numbered_class_names(10));
  const Multimodal subset =
      load_view({.dir = tmp_.path(), .view = "mnist/split-h2", .classes = {3, 5, 8}});
  EXPECT_EQ(subset.class_names, (std::vector<std::string>{"3", "5", "8"}));
  EXPECT_EQ(subset.classes, 3);
  // Fashion-MNIST has MNIST's file layout: the same files stand in for it.
  fs::copy(tmp_.path() / "mnist", tmp_.path() / "fashion");
  const Multimodal fashion =
      load_view({.dir = tmp_.path(), .view = "fashion/split-v2", .classes = {9, 0, 6}});
  EXPECT_EQ(fashion.class_names, (std::vector<std::string>{"Ankle boot", "T-shirt/top", "Shirt"}));
  EXPECT_EQ(data_set_class_names(DataSet::cifar10).front(), "airplane");
  EXPECT_EQ(data_set_class_names(DataSet::cifar10).back(), "truck");
  EXPECT_EQ(data_set_class_names(DataSet::fashion).size(), 10u);
}

TEST_F(ClassNames, FilesViewReadsClassesTxtOrNumbersTheLabels) {
  qmf::testing::write_feature_dataset(files(), 3);
  EXPECT_EQ(load_files().class_names, (std::vector<std::string>{"0", "1", "2"}));
  write_text(files() / "classes.txt", "cat\n  dog \nbird, small\n");
  EXPECT_EQ(load_files().class_names, (std::vector<std::string>{"cat", "dog", "bird, small"}));
  EXPECT_TRUE(load_files().warnings.empty());
  EXPECT_EQ(load_files({2, 0}).class_names, (std::vector<std::string>{"bird, small", "cat"}));
}

TEST_F(ClassNames, ClassesTxtThatDoesNotFitTheLabelsIsRefusedNamingTheFile) {
  qmf::testing::write_feature_dataset(files(), 3);
  const std::string file = (files() / "classes.txt").string();
  write_text(files() / "classes.txt", "cat\ndog\n");
  std::string e = error_loading();
  EXPECT_TRUE(contains(e, file) && contains(e, "labels go up to 2")) << e;
  write_text(files() / "classes.txt", "cat\n\ndog\n");
  e = error_loading();
  EXPECT_TRUE(contains(e, file + ":2") && contains(e, "empty")) << e;
  write_text(files() / "classes.txt", "cat\ndog\ncat\n");
  e = error_loading();
  EXPECT_TRUE(contains(e, file + ":3") && contains(e, "line 1")) << e;
}

TEST_F(ClassNames, AClassWithoutTrainingSamplesIsAWarningNamingTheLabelsFile) {
  // Labels 1..3: class 0 is empty.
  qmf::testing::write_feature_dataset(files(), 3, 60, 30, 1);
  const Multimodal data = load_files();
  EXPECT_EQ(data.classes, 4);
  ASSERT_EQ(data.warnings.size(), 1u);
  EXPECT_TRUE(contains(data.warnings[0], (files() / "train" / "labels.csv").string()) &&
              contains(data.warnings[0], "class 0 "))
      << data.warnings[0];
  // A classes.txt naming more classes than the labels use leaves the last ones empty.
  fs::remove_all(files());
  qmf::testing::write_feature_dataset(files(), 3);
  write_text(files() / "classes.txt", "a\nb\nc\nd\ne\n");
  const Multimodal named = load_files();
  EXPECT_EQ(named.classes, 5);
  ASSERT_EQ(named.warnings.size(), 1u);
  EXPECT_TRUE(contains(named.warnings[0], "classes 3, 4")) << named.warnings[0];
}

}  // namespace
}  // namespace qmf::data
