#pragma once
#include <CLI/CLI.hpp>

namespace qmf::app {

// Each command file adds its subcommand and a callback that runs after parsing.
void register_commands(CLI::App& app);
int run_selected(CLI::App& app);

void add_bench(CLI::App& app);
void add_compare(CLI::App& app);
void add_data(CLI::App& app);
void add_eval(CLI::App& app);
void add_explain(CLI::App& app);
void add_export(CLI::App& app);
void add_train(CLI::App& app);

}  // namespace qmf::app
