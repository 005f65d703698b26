#include "data/fetch/fetch.h"

#include <cstdlib>

#include "core/error.h"
#include "data/fetch/fetch_sources.h"
#include "data/fetch/fetch_support.h"
#include "data/fetch/temp_dir.h"

namespace qmf::data {
namespace {

namespace fs = std::filesystem;

struct Fetcher {
  const char* name;
  void (*fetch)(const fs::path& dir);
};

constexpr Fetcher kFetchers[] = {
    {"mnist", fetch_mnist}, {"fashion", fetch_fashion}, {"cifar10", fetch_cifar10}};

}  // namespace

fs::path default_data_dir() {
  if (const char* env = std::getenv("QMF_DATA"); env != nullptr && *env != '\0') return env;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".cache" / "qmf" / "data";
  }
  throw Error("no data directory: set QMF_DATA (or HOME, for the default $HOME/.cache/qmf/data)");
}

void fetch(const std::string& which, const fs::path& dir) {
  bool known = which == "all";
  for (const Fetcher& f : kFetchers) known = known || which == f.name;
  if (!known) {
    throw UsageError(fmt::format(
        "unknown dataset '{}' to fetch; allowed values: mnist, fashion, cifar10, all", which));
  }
  remove_abandoned_temp_dirs(dir, kFetchWorkDir);  // of fetches killed mid-download
  for (const Fetcher& f : kFetchers) {
    if (which != "all" && which != f.name) continue;
    try {
      f.fetch(dir);
    } catch (const fs::filesystem_error& e) {
      throw Error(fmt::format("fetching {} into {}: {}", f.name, dir.string(), e.what()));
    }
  }
}

}  // namespace qmf::data
