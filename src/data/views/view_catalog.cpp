#include "data/views/view_catalog.h"

#include <fmt/ranges.h>

#include "core/error.h"

namespace qmf::data {

const std::vector<ViewDescription>& view_catalog() {
  static const std::vector<ViewDescription> catalog = [] {
    std::vector<ViewDescription> v;
    for (const DataSet set : {DataSet::mnist, DataSet::fashion}) {
      const std::string s(data_set_name(set));
      v.push_back({s + "/split-h2", {set}, Layout::kHalvesH});
      v.push_back({s + "/split-v2", {set}, Layout::kHalvesV});
      v.push_back({s + "/split-q4", {set}, Layout::kQuadrants});
    }
    v.push_back({"mnist+fashion", {DataSet::mnist, DataSet::fashion}, Layout::kWholePerSource});
    v.push_back({"mnist+fsdd", {DataSet::mnist, DataSet::fsdd}, Layout::kWholePerSource});
    v.push_back({"cifar10/split-h2", {DataSet::cifar10}, Layout::kHalvesH});
    v.push_back({"cifar10/channels", {DataSet::cifar10}, Layout::kChannels});
    v.push_back({"cifar10/gray+color", {DataSet::cifar10}, Layout::kGrayColor});
    v.push_back({"files", {}, Layout::kUserFiles});
    return v;
  }();
  return catalog;
}

const std::vector<std::string>& view_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const ViewDescription& view : view_catalog()) v.push_back(view.name);
    return v;
  }();
  return names;
}

const ViewDescription& describe_view(const std::string& name) {
  for (const ViewDescription& view : view_catalog()) {
    if (view.name == name) return view;
  }
  throw UsageError(fmt::format("data.view: unknown view '{}'; available views: {}",
                               quote_value(name), fmt::join(view_names(), ", ")));
}

}  // namespace qmf::data
