// The table of views: each view names the data sets it is cut from, which is all that decides
// what is fetched before it is loaded.
#include "data/views/view_catalog.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"

namespace qmf::data {
namespace {

using enum DataSet;

TEST(ViewCatalog, EveryViewListsTheDataSetsItIsCutFrom) {
  const std::map<std::string, std::vector<DataSet>> expected = {
      {"mnist/split-h2", {mnist}},         {"mnist/split-v2", {mnist}},
      {"mnist/split-q4", {mnist}},         {"fashion/split-h2", {fashion}},
      {"fashion/split-v2", {fashion}},     {"fashion/split-q4", {fashion}},
      {"mnist+fashion", {mnist, fashion}}, {"mnist+fsdd", {mnist, fsdd}},
      {"cifar10/split-h2", {cifar10}},     {"cifar10/channels", {cifar10}},
      {"cifar10/gray+color", {cifar10}},   {"files", {}},
  };
  ASSERT_EQ(view_catalog().size(), expected.size());
  for (const ViewDescription& view : view_catalog()) {
    SCOPED_TRACE(view.name);
    ASSERT_TRUE(expected.contains(view.name));
    EXPECT_EQ(view.sources, expected.at(view.name));
    EXPECT_EQ(&describe_view(view.name), &view);
  }
}

TEST(ViewCatalog, NamesFollowTheTableWithTheUsersFilesLast) {
  ASSERT_EQ(view_names().size(), view_catalog().size());
  for (size_t i = 0; i < view_names().size(); ++i)
    EXPECT_EQ(view_names()[i], view_catalog()[i].name);
  EXPECT_EQ(view_names().front(), "mnist/split-h2");
  EXPECT_EQ(view_names().back(), "files");
  EXPECT_EQ(describe_view("files").layout, Layout::kUserFiles);
}

TEST(ViewCatalog, UnknownViewNamesTheKeyAndTheViews) {
  try {
    describe_view("mnist");
    FAIL() << "a data set name passed as a view";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("data.view: unknown view 'mnist'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cifar10/gray+color, files"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace qmf::data
