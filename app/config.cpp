// `qmf config`: every config key with its resolved value for a config file and --set overrides,
// its default, what it accepts and what it means; or the same as a commented TOML file to start
// from. `qmf train --print-config` prints the same.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "jobs/run_config.h"
#include "train/config.h"
#include "train/config_docs.h"

namespace qmf::app {

void add_config(CLI::App& app) {
  struct Options {
    std::string config, format = "text";
    std::vector<std::string> sets;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "config", "List every config key: its value, default, what it accepts and what it means");
  cmd->add_option("--config", opt->config, "TOML config file whose values to show")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", opt->sets, "override a key: --set train.epochs=5 (repeatable)");
  cmd->add_option("--format", opt->format,
                  "text (a listing) or toml (a commented config file to start from)")
      ->check(CLI::IsMember({"text", "toml"}));
  app.footer(
      "Every config key with its default, what it accepts and what it means: qmf config\n"
      "(qmf config --format toml > my.toml writes a commented config file to start from).");
  cmd->callback([opt] {
    const Config config = jobs::resolve_config(opt->config, opt->sets);
    print_config(config, opt->format);
  });
}

void print_config(const Config& config, const std::string& format) {
  const std::string text = format == "toml" ? commented_toml(config) : describe_config(config);
  std::fputs(text.c_str(), stdout);
}

}  // namespace qmf::app
