// `qmf data fetch mnist|fashion|cifar10|all [--dir DIR]`.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "data/fetch/fetch.h"

namespace qmf::app {

void add_data(CLI::App& app) {
  struct Options {
    std::string which, dir;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* data = app.add_subcommand("data", "Fetch data sets into the data directory");
  data->require_subcommand(1);
  CLI::App* fetch = data->add_subcommand("fetch", "Fetch a data set (only files that are missing)");
  fetch->add_option("which", opt->which, "mnist, fashion, cifar10 or all")
      ->required()
      ->check(CLI::IsMember(data::fetch_choices()));
  fetch->add_option("--dir", opt->dir, "data directory (default: $QMF_DATA or ~/.cache/qmf/data)");
  fetch->callback([opt] {
    const std::filesystem::path dir =
        opt->dir.empty() ? data::default_data_dir() : std::filesystem::path(opt->dir);
    data::fetch(opt->which, dir);
    std::printf("data directory: %s\n", dir.string().c_str());
  });
}

}  // namespace qmf::app
