#include "data/fetch/fetch.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/ranges.h>

#include "core/error.h"
#include "data/fetch/fetch_sources.h"
#include "data/fetch/fetch_support.h"
#include "data/fetch/temp_dir.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

struct Fetcher {
  DataSet set;
  void (*fetch)(const fs::path& dir);
};

constexpr Fetcher kFetchers[] = {{DataSet::mnist, fetch_mnist},
                                 {DataSet::fashion, fetch_fashion},
                                 {DataSet::cifar10, fetch_cifar10}};

}  // namespace

fs::path default_data_dir() {
  if (const char* env = std::getenv("QMF_DATA"); env != nullptr && *env != '\0') return env;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".cache" / "qmf" / "data";
  }
  throw Error("no data directory: set QMF_DATA (or HOME, for the default $HOME/.cache/qmf/data)");
}

const std::vector<std::string>& fetch_choices() {
  static const std::vector<std::string> choices = [] {
    std::vector<std::string> names;
    for (const Fetcher& f : kFetchers) names.emplace_back(data_set_name(f.set));
    names.emplace_back("all");
    return names;
  }();
  return choices;
}

void fetch(const std::string& which, const fs::path& dir) {
  std::vector<DataSet> sets;
  for (const Fetcher& f : kFetchers) {
    if (which == "all" || which == data_set_name(f.set)) sets.push_back(f.set);
  }
  if (sets.empty()) {
    throw UsageError(fmt::format("unknown dataset '{}' to fetch; allowed values: {}", which,
                                 fmt::join(fetch_choices(), ", ")));
  }
  fetch(sets, dir);
}

void fetch(std::span<const DataSet> sets, const fs::path& dir) {
  const auto wanted = [&](const Fetcher& f) {
    return std::ranges::find(sets, f.set) != sets.end();
  };
  // Nothing to download (view files, or FSDD alone): the data directory is not even looked at.
  if (std::ranges::none_of(kFetchers, wanted)) return;
  remove_abandoned_temp_dirs(dir, kFetchWorkDir);  // of fetches killed mid-download
  for (const Fetcher& f : kFetchers) {
    if (!wanted(f)) continue;
    try {
      f.fetch(dir);
    } catch (const fs::filesystem_error& e) {
      throw Error(
          fmt::format("fetching {} into {}: {}", data_set_name(f.set), dir.string(), e.what()));
    }
  }
}

}  // namespace qmf::data
