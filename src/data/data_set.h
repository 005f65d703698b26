#pragma once
// The public data sets the built-in views are cut from. A view lists the ones it needs
// (data/views/view_catalog.h) and fetch() downloads those it can (data/fetch/fetch.h), so which
// data a view fetches follows from its description alone.
#include <array>
#include <cstddef>
#include <string_view>

namespace qmf::data {

enum class DataSet { mnist, fashion, cifar10, fsdd };

// "mnist", "fashion", "cifar10", "fsdd": also the data set's subdirectory of the data directory.
constexpr std::string_view data_set_name(DataSet set) {
  constexpr std::array<std::string_view, 4> kNames = {"mnist", "fashion", "cifar10", "fsdd"};
  return kNames[static_cast<size_t>(set)];
}

}  // namespace qmf::data
